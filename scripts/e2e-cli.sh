#!/usr/bin/env bash
# End-to-end check of the local stack with the real AWS CLI v2: starts scripts/local-run.sh in the background
# (free ports, ready file), runs the start-execution / describe-execution / get-execution-history / sqs
# commands the README gives, checks what they print, and stops the stack again.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/e2e-cli.sh [-t SECONDS]

Starts the local stack, drives it with the AWS CLI v2 (start-execution, describe-execution,
get-execution-history, list-executions, send-task-success, sqs receive-message) and checks the answers,
then runs scripts/smoke-test.sh against the same stack.
  -t SECONDS  longest wait for the stack to start or an execution to finish (default 180)
Needs: a JDK 21+ (see scripts/local-run.sh) and the AWS CLI v2 ($AWS_CLI, else /usr/bin/aws, else aws on PATH).
Exit code 0 when every check passed.
USAGE
}

timeout_seconds=180
while [[ $# -gt 0 ]]; do
  case "$1" in
    -t) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || { echo "e2e-cli: -t needs whole seconds" >&2; exit 64; }
        timeout_seconds="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "e2e-cli: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# shellcheck source=scripts/lib/aws-cli.sh
source "$root/scripts/lib/aws-cli.sh"
# Without AWS_ENDPOINT_URL, AWS is just the CLI; the local endpoints are given per command below.
AWS_ENDPOINT_URL="" find_aws_cli || exit $?
aws_cli="${AWS[0]}"
command -v python3 > /dev/null || { echo "e2e-cli: needs python3 to read JSON (apt-get install python3)" >&2; exit 69; }

work="$(mktemp -d)"
ready="$work/ready.json"
stack_log="$work/stack.log"
stack_pid=""

cleanup() {
  if [[ -n "$stack_pid" ]] && kill -0 "$stack_pid" 2> /dev/null; then
    echo "[e2e-cli] stopping the local stack (pid $stack_pid)"
    kill "$stack_pid"
    local code=0
    wait "$stack_pid" 2> /dev/null || code=$?
    # 143 = 128 + SIGTERM: the JVM ran its shutdown hook and stopped as asked.
    if (( code != 0 && code != 143 )); then
      echo "[e2e-cli] the stack exited with status $code after the stop signal" >&2
    fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "[e2e-cli] starting the local stack (log: $stack_log)"
# A 10 s heartbeat: long enough that a slow first invocation on a busy machine (the worker's cold
# start) cannot time out a success path, short enough for the smoke test's hang path to be quick.
heartbeat=10
"$root/scripts/local-run.sh" --no-demo --sfn-port 0 --sqs-port 0 --approval-port 0 --ready-file "$ready" \
  --task-heartbeat-seconds "$heartbeat" --heartbeat-interval-seconds 2 --retry-delay-seconds 1 > "$stack_log" 2>&1 &
stack_pid=$!

waited=0
until [[ -s "$ready" ]]; do
  if ! kill -0 "$stack_pid" 2> /dev/null; then
    echo "[e2e-cli] the local stack exited before it was ready:" >&2
    tail -n 40 "$stack_log" >&2
    exit 1
  fi
  if (( waited >= timeout_seconds )); then
    echo "[e2e-cli] the local stack was not ready after ${timeout_seconds}s:" >&2
    tail -n 40 "$stack_log" >&2
    exit 1
  fi
  if (( waited % 10 == 0 )); then
    echo "[e2e-cli] waiting for the local stack to be ready (${waited}s)"
  fi
  sleep 1
  waited=$((waited + 1))
done

field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$ready" "$1"; }
sfn_endpoint="$(field sfnEndpoint)"
sqs_endpoint="$(field sqsEndpoint)"
state_machine_arn="$(field stateMachineArn)"
dlq_url="$(field dlqUrl)"
region="$(field region)"
# AWS_DEFAULT_REGION too: the AWS CLI v1 reads only that one (the redrive check may use a v1).
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION="$region" AWS_DEFAULT_REGION="$region" AWS_PAGER=""
echo "[e2e-cli] ready: Step Functions $sfn_endpoint, SQS $sqs_endpoint"

failures=0
check() {
  local what="$1" expected="$2" actual="$3"
  if [[ "$actual" == *"$expected"* ]]; then
    echo "  ok   $what"
  else
    echo "  FAIL $what: expected to find '$expected' in: $actual"
    failures=$((failures + 1))
  fi
}

# The commands as the README gives them (with --endpoint-url: Debian's CLI 2.9 ignores AWS_ENDPOINT_URL).
sfn() { "$aws_cli" --endpoint-url "$sfn_endpoint" stepfunctions "$@"; }

wait_for_end() {
  local arn="$1" status waited=0
  while true; do
    status="$(sfn describe-execution --execution-arn "$arn" --query status --output text)"
    [[ "$status" != RUNNING ]] && { echo "$status"; return 0; }
    (( waited >= timeout_seconds )) && { echo "$status"; return 0; }
    (( waited % 5 == 0 )) && echo "[e2e-cli] $arn still RUNNING (${waited}s)" >&2
    sleep 1
    waited=$((waited + 1))
  done
}

echo "[e2e-cli] a successful execution"
execution_arn="$(sfn start-execution --state-machine-arn "$state_machine_arn" \
  --input '{"mode":"succeed","from":"cli"}' --query executionArn --output text)"
check "start-execution returns an execution ARN" ":execution:" "$execution_arn"
check "the execution finishes SUCCEEDED" SUCCEEDED "$(wait_for_end "$execution_arn")"
described="$(sfn describe-execution --execution-arn "$execution_arn")"
check "describe-execution shows the status" '"status": "SUCCEEDED"' "$described"
check "describe-execution shows the result" '\"status\":\"done\"' "$described"
check "describe-execution shows the input" '\"from\":\"cli\"' "$described"
check "describe-execution shows dates" '"stopDate": "' "$described"
history="$(sfn get-execution-history --execution-arn "$execution_arn" --query 'events[].type' --output text)"
check "the history has the task token round trip" "TaskScheduled	TaskStarted	TaskSubmitted	TaskSucceeded" "$history"
check "the history ends with ExecutionSucceeded" "ExecutionSucceeded" "$history"
check "list-executions lists it" "$execution_arn" \
  "$(sfn list-executions --state-machine-arn "$state_machine_arn" --status-filter SUCCEEDED)"

echo "[e2e-cli] a rejected execution"
rejected_arn="$(sfn start-execution --state-machine-arn "$state_machine_arn" \
  --input '{"mode":"reject","reason":"no stock"}' --query executionArn --output text)"
check "the rejected execution finishes FAILED" FAILED "$(wait_for_end "$rejected_arn")"
described="$(sfn describe-execution --execution-arn "$rejected_arn")"
check "its error is the processor's" '"error": "Demo.Rejected"' "$described"
check "its cause is the processor's" '"cause": "no stock"' "$described"

echo "[e2e-cli] error answers"
set +e
answer="$(sfn send-task-success --task-token not-a-token --task-output '{}' 2>&1)"
status=$?
set -e
check "send-task-success with a bad token fails" 254 "$status"
check "... with InvalidToken" "InvalidToken" "$answer"
set +e
answer="$(sfn describe-execution --execution-arn "${execution_arn}-missing" 2>&1)"
set -e
check "describe-execution of an unknown execution says ExecutionDoesNotExist" "ExecutionDoesNotExist" "$answer"

echo "[e2e-cli] the dead-letter queue"
set +e
dead_letters="$("$aws_cli" --endpoint-url "$sqs_endpoint" sqs receive-message --queue-url "$dlq_url" \
  --attribute-names All --max-number-of-messages 10 --output json 2>&1)"
status=$?
set -e
check "sqs receive-message on the DLQ succeeds" 0 "$status"
if [[ -n "$dead_letters" ]]; then
  echo "  FAIL the DLQ should be empty after these executions, it holds: $dead_letters"
  failures=$((failures + 1))
else
  echo "  ok   the DLQ is empty"
fi

echo "[e2e-cli] scripts/smoke-test.sh against the same stack (heartbeat ${heartbeat} s)"
if AWS_ENDPOINT_URL="$sfn_endpoint" STATE_MACHINE_ARN="$state_machine_arn" AWS_CLI="$aws_cli" \
    "$root/scripts/smoke-test.sh" --heartbeat "$heartbeat" --slow $((heartbeat + 4)) --hang $((heartbeat + 4)); then
  echo "  ok   the smoke test passes"
else
  echo "  FAIL the smoke test"
  failures=$((failures + 1))
fi

echo "[e2e-cli] redrive of the dead-letter queue (scripts/redrive-dead-letters.sh)"
sqs() { "$aws_cli" --endpoint-url "$sqs_endpoint" sqs "$@"; }
dlq_arn="$(sqs get-queue-attributes --queue-url "$dlq_url" --attribute-names QueueArn --query Attributes.QueueArn --output text)"
sqs send-message --queue-url "$(field queueUrl)" --message-body "not json: a dead letter for the redrive" > /dev/null
waited=0
until [[ "$(sqs get-queue-attributes --queue-url "$dlq_url" --attribute-names ApproximateNumberOfMessages \
    --query Attributes.ApproximateNumberOfMessages --output text)" == 1 ]]; do
  if (( waited >= timeout_seconds )); then
    break
  fi
  (( waited % 5 == 0 )) && echo "[e2e-cli] waiting for the bad message to reach the DLQ (${waited}s)"
  sleep 1
  waited=$((waited + 1))
done
set +e
redrive="$("$root/scripts/redrive-dead-letters.sh" --dlq-arn "$dlq_arn" --endpoint-url "$sqs_endpoint" --poll 1 2>&1)"
status=$?
set -e
if [[ "$status" == 3 ]]; then
  # No CLI on this machine has the command: the script must say what to do instead.
  check "without a CLI that can move messages, redrive says how to do it otherwise" "Start DLQ redrive" "$redrive"
else
  check "redrive moves the dead letter back to the tasks queue" "1 message(s) moved" "$redrive"
fi

if (( failures > 0 )); then
  echo "[e2e-cli] $failures check(s) failed; the stack's log:"
  tail -n 60 "$stack_log"
  exit 1
fi
echo "[e2e-cli] all checks passed"
