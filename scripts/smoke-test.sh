#!/usr/bin/env bash
# Smoke test of a deployed stack: runs the demo processor's success, rejection, slow (heartbeats
# keep the task alive) and hang (no heartbeats: the state machine's Task.NoHeartbeat) paths at the
# same time and checks how each one ends. Works against AWS, or a local endpoint when AWS_ENDPOINT_URL is set.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/smoke-test.sh [-a ARN] [--heartbeat SECONDS] [--slow SECONDS] [--hang SECONDS]
                             [--wait SECONDS] [--poll SECONDS] [--only PATHS]

Runs the demo paths concurrently against the deployed state machine and asserts each outcome:
  success  {"mode":"succeed"}              SUCCEEDED, output.result = {status: done, mode: succeed, ...}
  reject   {"mode":"reject", ...}          FAILED with the processor's error (Smoke.Rejected) and cause
  slow     {"mode":"slow","seconds":S}     SUCCEEDED although S > the task's HeartbeatSeconds
  hang     {"mode":"hang","seconds":H}     FAILED with Task.NoHeartbeat (the state machine's name for
                                           a heartbeat expiry, which AWS reports as States.Timeout)

  -a ARN             state machine ARN (default: $STATE_MACHINE_ARN, else `terraform output`)
  --heartbeat SECONDS  the task's HeartbeatSeconds (task_heartbeat_seconds; default 60)
  --slow SECONDS     how long the slow path works (default 75: longer than the heartbeat)
  --hang SECONDS     how long the hang path stays silent (default 75: longer than the heartbeat)
  --wait SECONDS     longest wait for any one execution (default: 120 + the longest path)
  --poll SECONDS     poll interval (default 2)
  --only PATHS       comma-separated subset, e.g. success,reject
  --live-wait SECONDS  longest wait for the worker's live version to become Active (default 600;
                     0 = don't wait); see scripts/start-execution.sh -h
  -h                 this help

For the local stack (heartbeat 3 s): scripts/smoke-test.sh --heartbeat 3 --slow 5 --hang 5

Exit codes: 0 every path ended as expected, 1 at least one did not, 64 usage error,
69 a prerequisite is missing (AWS CLI v2, python3, or the state machine ARN), 70 or 75 the
worker's live version is Failed or still Pending (see scripts/start-execution.sh -h).
Needs: the AWS CLI v2 (see scripts/start-execution.sh -h) and python3 (to read the JSON output).
USAGE
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
start="$here/start-execution.sh"

arn=""
heartbeat=60
slow=75
hang=75
wait_limit=""
poll=2
live_wait=600
only="success,reject,slow,hang"
need_value() {
  if [ "$#" -lt 2 ] || [ -z "$2" ]; then
    echo "error: $1 needs a value" >&2
    exit 64
  fi
}
while [ "$#" -gt 0 ]; do
  case "$1" in
    -a) need_value "$@"; arn="$2"; shift 2 ;;
    --heartbeat) need_value "$@"; heartbeat="$2"; shift 2 ;;
    --slow) need_value "$@"; slow="$2"; shift 2 ;;
    --hang) need_value "$@"; hang="$2"; shift 2 ;;
    --wait) need_value "$@"; wait_limit="$2"; shift 2 ;;
    --poll) need_value "$@"; poll="$2"; shift 2 ;;
    --only) need_value "$@"; only="$2"; shift 2 ;;
    --live-wait) need_value "$@"; live_wait="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "error: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done
for pair in "heartbeat:$heartbeat" "slow:$slow" "hang:$hang" "live-wait:$live_wait"; do
  if ! [[ "${pair#*:}" =~ ^[0-9]+$ ]]; then
    echo "error: --${pair%%:*} takes whole seconds, got ${pair#*:}" >&2
    exit 64
  fi
done
if [ -z "$wait_limit" ]; then
  wait_limit=$((120 + (slow > hang ? slow : hang) + heartbeat))
fi
if [ "$slow" -le "$heartbeat" ]; then
  echo "warning: --slow $slow is not longer than --heartbeat $heartbeat: the slow path will not prove that heartbeats keep a task alive" >&2
fi
if [ "$hang" -le "$heartbeat" ]; then
  echo "error: --hang $hang must be longer than --heartbeat $heartbeat, or the hang path cannot time out" >&2
  exit 64
fi
if ! command -v python3 > /dev/null; then
  echo "error: python3 is required to read the executions' JSON output (Debian: apt-get install python3)" >&2
  exit 69
fi

start_args=()
if [ -n "$arn" ]; then
  start_args+=(-a "$arn")
fi
# Prerequisites and the ARN once, before anything starts.
if ! resolved="$("$start" -c "${start_args[@]}")"; then
  exit 69
fi
# Wait for the worker once here rather than in each path.
if [ "$live_wait" -gt 0 ]; then
  # shellcheck source=scripts/lib/aws-cli.sh
  source "$here/lib/aws-cli.sh"
  # shellcheck source=scripts/lib/live-alias.sh
  source "$here/lib/live-alias.sh"
  find_aws_cli || exit $?
  wait_for_live_aliases "$live_wait" 5 0 || exit $?
fi
start_args=(-a "$resolved" -t "$wait_limit" -p "$poll" -q -W)
echo "smoke test of $resolved (heartbeat ${heartbeat}s, slow ${slow}s, hang ${hang}s, wait up to ${wait_limit}s)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run_id="smoke-$(date +%s)-$$"

declare -A inputs=(
  [success]='{"mode":"succeed","smoke":"success"}'
  [reject]='{"mode":"reject","error":"Smoke.Rejected","reason":"rejected on purpose by the smoke test"}'
  [slow]="{\"mode\":\"slow\",\"seconds\":$slow}"
  [hang]="{\"mode\":\"hang\",\"seconds\":$hang}"
)
IFS=',' read -r -a paths <<< "$only"
pids=()
declare -A pid_of=()
for path in "${paths[@]}"; do
  if [ -z "${inputs[$path]:-}" ]; then
    echo "error: unknown path '$path' in --only (success, reject, slow, hang)" >&2
    exit 64
  fi
  "$start" "${start_args[@]}" -n "$run_id-$path" -i "${inputs[$path]}" -o "$work/$path" > "$work/$path.log" 2>&1 &
  pids+=("$!")
  pid_of[$path]=$!
  echo "  started $path"
done

# Progress while the executions run: one line every 10 seconds.
began=$SECONDS
while :; do
  running=0
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2> /dev/null; then
      running=$((running + 1))
    fi
  done
  if [ "$running" -eq 0 ]; then
    break
  fi
  echo "  [$((SECONDS - began))s] $running of ${#pids[@]} executions still running"
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    sleep 1
    still=0
    for pid in "${pids[@]}"; do
      if kill -0 "$pid" 2> /dev/null; then
        still=1
      fi
    done
    if [ "$still" -eq 0 ]; then
      break
    fi
  done
done
# start-execution.sh exits non-zero for FAILED on purpose (reject, hang): keep each code for the
# report; the outcome itself is judged from the files it wrote with -o.
declare -A code_of=()
for path in "${paths[@]}"; do
  set +e
  wait "${pid_of[$path]}"
  code_of[$path]=$?
  set -e
done

# json_get FILE PATH: prints the value at a dotted path of the JSON in FILE ("" if absent).
json_get() {
  python3 - "$1" "$2" <<'PY'
import json, sys
try:
    value = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit(3)
for key in sys.argv[2].split("."):
    if not isinstance(value, dict) or key not in value:
        sys.exit(4)
    value = value[key]
print(value if isinstance(value, str) else json.dumps(value))
PY
}

failures=0
fail() {
  echo "FAIL $1: $2"
  failures=$((failures + 1))
}
read_file() {
  if [ -f "$1" ]; then
    cat "$1"
  fi
}
for path in "${paths[@]}"; do
  dir="$work/$path"
  status="$(read_file "$dir/status")"
  error="$(read_file "$dir/error")"
  cause="$(read_file "$dir/cause")"
  if [ -z "$status" ]; then
    fail "$path" "no result (start-execution.sh exit ${code_of[$path]}): $(tr '\n' ' ' < "$work/$path.log")"
    continue
  fi
  case "$path" in
    success | slow)
      want_mode="succeed"
      if [ "$path" = slow ]; then
        want_mode="slow"
      fi
      if [ "$status" != SUCCEEDED ]; then
        fail "$path" "status $status (error ${error:-none}: ${cause:-no cause}), expected SUCCEEDED"
      elif ! result_status="$(json_get "$dir/output" result.status)" || [ "$result_status" != "done" ]; then
        fail "$path" "output has no result.status = done: $(read_file "$dir/output")"
      elif ! result_mode="$(json_get "$dir/output" result.mode)" || [ "$result_mode" != "$want_mode" ]; then
        fail "$path" "output result.mode is '${result_mode:-absent}', expected $want_mode"
      elif ! json_get "$dir/output" result.echo > /dev/null; then
        fail "$path" "output has no result.echo (the processor's copy of the input)"
      else
        echo "ok   $path: SUCCEEDED with result.status done"
      fi
      ;;
    reject)
      if [ "$status" != FAILED ]; then
        fail "$path" "status $status, expected FAILED"
      elif [ "$error" != Smoke.Rejected ]; then
        fail "$path" "error '$error', expected Smoke.Rejected (the processor's own error name)"
      elif [[ "$cause" != *"rejected on purpose by the smoke test"* ]]; then
        fail "$path" "cause '$cause' does not carry the processor's reason"
      else
        echo "ok   $path: FAILED with Smoke.Rejected and its cause"
      fi
      ;;
    hang)
      if [ "$status" != FAILED ]; then
        fail "$path" "status $status, expected FAILED"
      elif [ "$error" != Task.NoHeartbeat ]; then
        fail "$path" "error '$error', expected Task.NoHeartbeat (the NoHeartbeat state: no heartbeat for HeartbeatSeconds)"
      else
        echo "ok   $path: FAILED with Task.NoHeartbeat"
      fi
      ;;
  esac
done

total=${#paths[@]}
echo "smoke-test: $((total - failures)) passed, $failures failed"
if [ "$failures" -gt 0 ]; then
  exit 1
fi
