#!/usr/bin/env bash
# A burst larger than the worker's in-flight capacity, with slow tasks, through the local stack: shows which
# tasks wait in the queue long enough to lose their heartbeat (Task.NoHeartbeat), checks that nothing is lost,
# and compares with the sizing rule in the README ("Sizing: bursts, capacity and heartbeats").
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/bench-local-burst.sh [-n EXECUTIONS] [-s TASK_SECONDS] [--write-docs] [-- STACK FLAGS]

  -n EXECUTIONS    executions started at once (default 24)
  -s TASK_SECONDS  how long each task works ({"mode":"slow","seconds":S}; default 5)
  --write-docs     put the result into docs/benchmarks.md between <!-- local-burst:begin --> and
                   <!-- local-burst:end -->
  -- STACK FLAGS   replace the default stack flags:
                   --max-concurrency 2 --batch-size 2 --max-concurrent-records 2
                   --task-heartbeat-seconds 13 --heartbeat-interval-seconds 2
With the defaults the capacity is 2 x 2 = 4 records and waves of 4 go through every 5 s or a little
more; the README's sizing rule, capacity x floor(HeartbeatSeconds / TaskSeconds), promises that a burst
of 8 fully succeeds; the later waves fail with Task.NoHeartbeat. Every execution must end (SUCCEEDED or
Task.NoHeartbeat) and both queues must be empty afterwards.
Needs: a JDK 21+ (see scripts/local-run.sh); python3 for --write-docs.
Exit code 0 when nothing was lost and every execution ended one of those two ways.
USAGE
}

executions=24
task_seconds=5
write_docs=false
stack_flags=(--max-concurrency 2 --batch-size 2 --max-concurrent-records 2
  --task-heartbeat-seconds 13 --heartbeat-interval-seconds 2)
whole_number() { [[ "$2" =~ ^[0-9]+$ ]] || { echo "bench-local-burst: $1 needs a whole number, not '$2'" >&2; exit 64; }; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) [[ $# -ge 2 ]] || { usage >&2; exit 64; }; whole_number -n "$2"; executions="$2"; shift 2 ;;
    -s) [[ $# -ge 2 ]] || { usage >&2; exit 64; }; whole_number -s "$2"; task_seconds="$2"; shift 2 ;;
    --write-docs) write_docs=true; shift ;;
    --) shift; stack_flags=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench-local-burst: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done
# shellcheck source=scripts/lib/bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench.sh"
if [[ "$write_docs" == true ]]; then bench_need_python bench-local-burst; fi

command_line="scripts/bench-local-burst.sh -n $executions -s $task_seconds -- ${stack_flags[*]}"
echo "[burst] $command_line"
bench_run burst '^RESULT ' --bench-burst --executions "$executions" --task-seconds "$task_seconds" "${stack_flags[@]}"
if (( bench_status != 0 )); then
  echo "[burst] executions were lost or ended unexpectedly (see the problems above)" >&2
  exit "$bench_status"
fi

if [[ "$write_docs" == true ]]; then
  python3 - "$bench_result" "${command_line/ -- / --write-docs -- }" "$(nproc)" <<'PY' | bench_write_section burst local-burst
import json, sys, datetime
result, command, cores = sys.argv[1:]
r = json.loads(result)
rows = "\n".join(
    f"| {w['wave']} | {w['wave'] * r['capacity']}-{w['wave'] * r['capacity'] + w['executions'] - 1} "
    f"| about {w['wave'] * r['taskSeconds']} s | {w['succeeded']} | {w['noHeartbeat']} | {w['other']} |"
    for w in r["waves"])
print(f"""## Local burst: more tasks than the worker holds at once

{r['executions']} executions of {r['taskSeconds']}-second tasks started at once, against an in-flight capacity of
{r['capacity']} records (max_concurrency x batch_size) and HeartbeatSeconds {r['heartbeatSeconds']}. Records the
worker holds are heartbeated from the moment their batch arrives; the rest wait in the queue with no heartbeat.

| wave | executions | waits in the queue | succeeded | Task.NoHeartbeat | otherwise |
|---:|---|---|---:|---:|---:|
{rows}

{r['succeeded']} succeeded and {r['noHeartbeat']} failed with `Task.NoHeartbeat`; the sizing rule promises
{r['predictedSafeBurst']} (it keeps to whole waves; a standard queue does not keep order, so waves by start
order are approximate). None was lost: every execution ended, and both queues were empty at the end
(the late records were dropped at their first heartbeat, answered TaskTimedOut). All ended in {r['seconds']} s.
Measured {datetime.date.today().isoformat()} on {cores} cores.

Reproduce: `{command}`""")
PY
fi
