#!/usr/bin/env bash
# Load benchmark of the whole callback loop on this machine: a fresh local stack (scripts/local-run.sh), a
# warm-up, then N executions started at once with the AWS SDK. Checks every execution (none lost, none
# completed twice) and reports executions/second and p50 / p99 start-to-finish latency.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/bench-local-load.sh [-n EXECUTIONS] [-c CLIENT_THREADS] [-w WARMUP] [--write-docs] [-- STACK FLAGS]

  -n EXECUTIONS      executions of the measured run, started at once (default 1000)
  -c CLIENT_THREADS  threads calling StartExecution (default 32)
  -w WARMUP          executions run first and not measured (default 200; 0 = measure a cold stack)
  --write-docs       put the result into docs/benchmarks.md between <!-- local-load:begin --> and
                     <!-- local-load:end --> (the rest of the file is left alone)
  -- STACK FLAGS     passed to the local stack, e.g. -- --max-concurrency 20 --batch-size 10
Latency is per execution, from its startDate to its stopDate (DescribeExecution); throughput is the
number of executions over the time from the first start to the last stop.
Needs: a JDK 21+ (see scripts/local-run.sh); python3 for --write-docs.
Exit code 0 when every execution succeeded exactly once.
USAGE
}

executions=1000
client_threads=32
warmup=200
write_docs=false
stack_flags=()
whole_number() { [[ "$2" =~ ^[0-9]+$ ]] || { echo "bench-local-load: $1 needs a whole number, not '$2'" >&2; exit 64; }; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) [[ $# -ge 2 ]] || { usage >&2; exit 64; }; whole_number -n "$2"; executions="$2"; shift 2 ;;
    -c) [[ $# -ge 2 ]] || { usage >&2; exit 64; }; whole_number -c "$2"; client_threads="$2"; shift 2 ;;
    -w) [[ $# -ge 2 ]] || { usage >&2; exit 64; }; whole_number -w "$2"; warmup="$2"; shift 2 ;;
    --write-docs) write_docs=true; shift ;;
    --) shift; stack_flags=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench-local-load: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done
# shellcheck source=scripts/lib/bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bench.sh"
if [[ "$write_docs" == true ]]; then bench_need_python bench-local-load; fi

command_line="scripts/bench-local-load.sh -n $executions -c $client_threads -w $warmup${stack_flags[*]:+ -- ${stack_flags[*]}}"
echo "[bench] $command_line"
started=$(date +%s)
bench_run bench '^{' --bench-load --executions "$executions" --client-threads "$client_threads" \
  --warmup "$warmup" "${stack_flags[@]}"
echo "[bench] finished in $(( $(date +%s) - started ))s: $bench_result"
if (( bench_status != 0 )); then
  echo "[bench] some executions did not end as expected (see the problems above)" >&2
  exit "$bench_status"
fi

if [[ "$write_docs" == true ]]; then
  java_line="$(sed -n 's/^\[local-run\] starting with //p' "$bench_log" | head -n1)"
  python3 - "$bench_result" "$command_line" "$(nproc)" "$java_line" "$warmup" <<'PY' | bench_write_section bench local-load
import json, sys, datetime
result, command, cores, java, warmup = sys.argv[1:]
r = json.loads(result)
print(f"""## Local load: the whole callback loop on one machine

{r['executions']} executions of the demo processor (`{{"mode":"succeed"}}`) started at once through the local
stack (Step Functions endpoint → SQS → event source mapping → worker jar → SendTaskSuccess), after a warm-up of
{warmup} executions. Every execution is checked: it SUCCEEDED with its own input echoed, and its task token got
exactly one completing callback (counted by the Step Functions endpoint).

| measured | value |
|---|---|
| executions | {r['executions']} |
| succeeded / lost / completed twice | {r['succeeded']} / {r['lost']} / {r['completedTwice']} |
| throughput (first start to last stop) | {r['executionsPerSecond']} executions/s |
| start-to-finish latency p50 | {r['p50Millis']} ms |
| start-to-finish latency p99 | {r['p99Millis']} ms |
| start-to-finish latency max | {r['maxMillis']} ms |

Measured {datetime.date.today().isoformat()} on {cores} cores, {java}, with the Terraform defaults
(batch size 10, maximum concurrency 10, 10 records of a batch at a time). All executions start at the same
moment, so the latency is mostly queueing behind the mapping's 10 × 10 records in flight; it says how the
local stack behaves, not how AWS does.

Reproduce: `{command} --write-docs`""")
PY
fi
