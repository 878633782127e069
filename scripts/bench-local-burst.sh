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
if [[ "$write_docs" == true ]] && ! command -v python3 > /dev/null; then
  echo "bench-local-burst: --write-docs needs python3 (apt-get install python3)" >&2
  exit 69
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

command_line="scripts/bench-local-burst.sh -n $executions -s $task_seconds -- ${stack_flags[*]}"
echo "[burst] $command_line"
set +e
"$root/scripts/local-run.sh" --bench-burst --executions "$executions" --task-seconds "$task_seconds" \
  "${stack_flags[@]}" 2>&1 | tee "$log" | grep --line-buffered -v '^RESULT '
status=${PIPESTATUS[0]}
set -e
result="$(sed -n 's/^RESULT //p' "$log" | tail -n1)"
if [[ -z "$result" ]]; then
  echo "[burst] the run did not report a result (exit status $status)" >&2
  exit 1
fi
if (( status != 0 )); then
  echo "[burst] executions were lost or ended unexpectedly (see the problems above)" >&2
  exit "$status"
fi

if [[ "$write_docs" == true ]]; then
  python3 - "$root/docs/benchmarks.md" "$result" "${command_line/ -- / --write-docs -- }" "$(nproc)" <<'PY'
import json, pathlib, sys, datetime
path, result, command, cores = sys.argv[1:]
r = json.loads(result)
begin, end = "<!-- local-burst:begin -->", "<!-- local-burst:end -->"
rows = "\n".join(
    f"| {w['wave']} | {w['wave'] * r['capacity']}-{w['wave'] * r['capacity'] + w['executions'] - 1} "
    f"| about {w['wave'] * r['taskSeconds']} s | {w['succeeded']} | {w['noHeartbeat']} | {w['other']} |"
    for w in r["waves"])
section = f"""{begin}
## Local burst: more tasks than the worker holds at once

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

Reproduce: `{command}`
{end}"""
p = pathlib.Path(path)
text = p.read_text() if p.exists() else "# Benchmarks\n"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    text = head + section + rest.split(end, 1)[1]
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
p.write_text(text)
print(f"[burst] wrote the local-burst section of {path}")
PY
fi
