#!/usr/bin/env bash
# Tests of the scripts that talk to a deployed stack, without AWS: bash -n, shellcheck (when
# installed), and runs of start-execution.sh and smoke-test.sh against a fake AWS CLI
# (scripts/tests/fake-bin/aws) that answers from a temp directory.
set -euo pipefail

usage() {
  echo "usage: scripts/tests/run.sh   (no options; prints one line per test and 'N passed, N failed')"
}
if [ "$#" -gt 0 ]; then
  case "$1" in
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 64 ;;
  esac
fi

tests_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scripts="$(cd "$tests_dir/.." && pwd)"
fake_bin="$tests_dir/fake-bin"
if ! command -v python3 > /dev/null; then
  echo "script tests: python3 is required by the fake AWS CLI (Debian: apt-get install python3)" >&2
  exit 69
fi

passed=0
failed=0
ok() {
  passed=$((passed + 1))
  echo "ok   $1"
}
not_ok() {
  failed=$((failed + 1))
  echo "FAIL $1"
  if [ -n "${2:-}" ]; then
    while IFS= read -r line; do
      printf '    %s\n' "$line"
    done <<< "$2"
  fi
}

# check NAME PATTERN TEXT: passes when TEXT has a line matching the extended regex PATTERN.
check() {
  if grep -Eq -- "$2" <<< "$3"; then
    ok "$1"
  else
    not_ok "$1" "$3"
  fi
}

# refute NAME STRING TEXT: passes when no line of TEXT contains the fixed STRING.
refute() {
  if grep -Fq -- "$2" <<< "$3"; then
    not_ok "$1" "$3"
  else
    ok "$1"
  fi
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run NAME EXPECTED_CODE PATTERN COMMAND...: runs with the fake CLI; the combined output must match PATTERN.
run() {
  local name="$1" want="$2" pattern="$3"
  shift 3
  local state="$work/state-$passed-$failed" out code
  mkdir -p "$state"
  : > "$work/calls.log"
  set +e
  # fake-bin first on PATH: a real `terraform output` must not answer for the worker's name.
  out="$(env PATH="$fake_bin:$PATH" FAKE_AWS_STATE="$state" FAKE_AWS_LOG="$work/calls.log" AWS_CLI="$fake_bin/aws" \
    STATE_MACHINE_ARN="arn:aws:states:us-east-1:123456789012:stateMachine:sfn-callback-callback" "$@" 2>&1)"
  code=$?
  set -e
  LAST_OUTPUT="$out"
  if [ "$code" -ne "$want" ]; then
    not_ok "$name: exit code $code, expected $want" "$out"
  elif ! grep -Eq -- "$pattern" <<< "$out"; then
    not_ok "$name: output does not match /$pattern/" "$out"
  else
    ok "$name"
  fi
}

# --- static checks -----------------------------------------------------------------------------
# Every shell script of the project, not only the ones tested below.
all_scripts=("$scripts"/*.sh "$scripts"/lib/*.sh "$scripts/../.ci/run" "$tests_dir/run.sh" "$fake_bin/terraform")
for script in "${all_scripts[@]}"; do
  if bash -n "$script"; then ok "bash -n $(basename "$script")"; else not_ok "bash -n $(basename "$script")"; fi
done
if command -v shellcheck > /dev/null; then
  if sc="$(cd "$scripts/.." && shellcheck -x "${all_scripts[@]}" 2>&1)"; then
    ok "shellcheck"
  else
    not_ok "shellcheck" "$sc"
  fi
else
  echo "skip shellcheck: not installed (Debian: apt-get install shellcheck)"
fi

# --- start-execution.sh ----------------------------------------------------------------------
se="$scripts/start-execution.sh"
run "help lists the exit codes" 0 "^  4   still RUNNING" "$se" -h
run "--help prints the usage" 0 "^usage: scripts/start-execution.sh" "$se" --help
refute "--help is no unknown option" "unknown option" "$LAST_OUTPUT"
run "success: exit 0, status and output" 0 '"status": "done"' "$se" -p 0.05 -i '{"mode":"succeed"}'
check "success: prints the status line" '^status: SUCCEEDED$' "$LAST_OUTPUT"
run "progress lines while RUNNING" 0 '\[[0-9]+s\] RUNNING' "$se" -p 0.05
run "-q hides progress" 0 '^status: SUCCEEDED' "$se" -q -p 0.05
refute "-q prints no progress" RUNNING "$LAST_OUTPUT"
run "default input is the demo success" 0 'output: .*"mode": "succeed"' "$se" -p 0.05
run "rejection: exit 1 with error and cause" 1 'cause: not today' "$se" -p 0.05 -i '{"mode":"reject","error":"Demo.Rejected","reason":"not today"}'
check "rejection: prints the error name" '^error: Demo.Rejected$' "$LAST_OUTPUT"
run "heartbeat timeout: exit 1, Task.NoHeartbeat" 1 '^error: Task.NoHeartbeat$' "$se" -p 0.05 -i '{"mode":"hang","seconds":5}'
run "TIMED_OUT: exit 2" 2 '^status: TIMED_OUT$' "$se" -p 0.05 -i '{"mode":"timeout"}'
run "ABORTED: exit 3" 3 '^status: ABORTED$' "$se" -p 0.05 -i '{"mode":"abort"}'
run "still running after -t: exit 4" 4 'still RUNNING after 1s' "$se" -p 0.2 -t 1 -i '{"mode":"forever"}'
run "describe-execution failing: exit 70" 70 'describe-execution failed' "$se" -p 0.05 -i '{"mode":"describe-fails"}'
run "start-execution failing: exit 70" 70 'start-execution failed' "$se" -a "not-an-arn"
run "-o writes the result files" 0 'SUCCEEDED' "$se" -p 0.05 -o "$work/out" -n named-run
if [ "$(cat "$work/out/status")" = SUCCEEDED ] && grep -q '"done"' "$work/out/output" && grep -q ':named-run$' "$work/out/execution_arn"; then
  ok "-o files hold status, output and execution ARN"
else
  not_ok "-o files hold status, output and execution ARN" "$(ls -l "$work/out")"
fi
run "-n passes the execution name" 0 'SUCCEEDED' "$se" -p 0.05 -n my-name
check "-n reaches the CLI" '--name my-name' "$(cat "$work/calls.log")"
run "-f reads the input from a file" 1 '^error: From.File$' bash -c "printf '%s' '{\"mode\":\"reject\",\"error\":\"From.File\"}' > '$work/input.json' && '$se' -p 0.05 -f '$work/input.json'"
run "unreadable -f: exit 64" 64 'cannot read input file' "$se" -f "$work/missing.json"
run "bad -t: exit 64" 64 '-t takes whole seconds' "$se" -t soon
run "unknown option: exit 64" 64 'unknown option -z' "$se" -z

run "AWS_ENDPOINT_URL becomes --endpoint-url" 0 'SUCCEEDED' env AWS_ENDPOINT_URL=http://127.0.0.1:4599 "$se" -p 0.05
if grep -q -- '--endpoint-url http://127.0.0.1:4599 stepfunctions start-execution' "$work/calls.log" &&
  ! grep -v -- '--endpoint-url http://127.0.0.1:4599' "$work/calls.log" | grep -q stepfunctions; then
  ok "every Step Functions call carries --endpoint-url"
else
  not_ok "every Step Functions call carries --endpoint-url" "$(cat "$work/calls.log")"
fi
run "no endpoint flag without AWS_ENDPOINT_URL" 0 'SUCCEEDED' env -u AWS_ENDPOINT_URL "$se" -p 0.05
refute "no --endpoint-url without AWS_ENDPOINT_URL" --endpoint-url "$(cat "$work/calls.log")"
run "AWS CLI v1 is refused: exit 69" 69 'AWS CLI v2 is required' env FAKE_AWS_VERSION="aws-cli/1.45.11 Python/3.11.7" "$se"
run "missing AWS CLI: exit 69 with install hint" 69 'apt-get install awscli' env AWS_CLI="$work/no-such-aws" "$se"
run "-c prints the ARN" 0 '^arn:aws:states:us-east-1:123456789012:stateMachine:sfn-callback-callback$' "$se" -c
run "ARN from terraform output" 0 ':stateMachine:from-terraform$' env -u STATE_MACHINE_ARN FAKE_TERRAFORM_ARN="arn:aws:states:eu-west-1:123456789012:stateMachine:from-terraform" "$se" -c
run "no ARN and no terraform: exit 69" 69 'pass -a ARN or set STATE_MACHINE_ARN' env -u STATE_MACHINE_ARN PATH="/usr/bin:/bin" "$se" -c

# Input checks, before anything is called.
for bad in '[1]' '"x"' '42' 'null' 'true'; do
  run "a non-object input ($bad) is refused: exit 65" 65 'the input must be a JSON object' "$se" -p 0.05 -i "$bad"
  refute "... and nothing is started for $bad" start-execution "$(cat "$work/calls.log")"
done
run "invalid JSON is refused: exit 65" 65 'the input is not valid JSON' "$se" -p 0.05 -i '{"a":'
run "NaN is not JSON: exit 65" 65 'NaN is not JSON' "$se" -p 0.05 -i '{"a":NaN}'
# 259072 bytes is the most the task can send with its token: the compact size counts, in UTF-8.
python3 -c 'import json; print(json.dumps({"blob": "x" * (259072 - 11)}))' > "$work/max.json"
run "an input of exactly 259072 bytes is accepted" 0 'SUCCEEDED' "$se" -p 0.05 -f "$work/max.json"
python3 -c 'import json; print(json.dumps({"blob": "x" * (259072 - 10)}))' > "$work/over.json"
run "an input of 259073 bytes is refused: exit 65" 65 'the input is 259073 bytes as compact JSON; the task can send at most 259072' "$se" -p 0.05 -f "$work/over.json"
python3 -c 'import json; print(json.dumps({"blob": "\u00e9" * 130000}, ensure_ascii=True, indent=4))' > "$work/utf8.json"
run "size counts UTF-8 bytes, not characters" 65 'the input is 260011 bytes' "$se" -p 0.05 -f "$work/utf8.json"
python3 -c 'import json; print(json.dumps({"blob": "x" * 259000}, indent=8))' > "$work/spaced.json"
run "whitespace outside strings does not count" 0 'SUCCEEDED' "$se" -p 0.05 -f "$work/spaced.json"
python3 -c 'import json; print(json.dumps({"mode": "succeed", "name": "Zoë 東京 🚀"}, ensure_ascii=False))' > "$work/unicode.json"
run "non-ASCII input reaches the CLI as UTF-8" 0 'SUCCEEDED' env LC_ALL=C "$se" -p 0.05 -f "$work/unicode.json"
check "... unchanged" 'Zoë 東京 🚀' "$(cat "$work/calls.log")"

# The worker's live version (SnapStart: Pending until the snapshot exists).
run "waits while the live version is Pending, with progress" 0 'waiting for sfn-callback-worker:live to become Active: Pending' env LIVE_FUNCTIONS=sfn-callback-worker FAKE_AWS_PENDING_POLLS=2 "$se" -p 0.05
check "... then starts the execution" '^status: SUCCEEDED$' "$LAST_OUTPUT"
if grep -q -- 'lambda get-function-configuration --function-name sfn-callback-worker --qualifier live' "$work/calls.log" &&
  [ "$(grep -n 'stepfunctions start-execution' "$work/calls.log" | cut -d: -f1)" -gt "$(grep -n 'Active' "$work/calls.log" | cut -d: -f1 | tail -n1 || echo 0)" ]; then
  ok "... asking Lambda for the live alias before starting"
else
  not_ok "... asking Lambda for the live alias before starting" "$(cat "$work/calls.log")"
fi
run "a version still Pending after -w: exit 75" 75 'still Pending after 1s' env LIVE_FUNCTIONS=sfn-callback-worker FAKE_AWS_PENDING_POLLS=1000 "$se" -p 0.2 -w 1
refute "... and nothing is started" start-execution "$(cat "$work/calls.log")"
run "a Failed version: exit 70 with the reason" 70 'is Failed .*The snapshot could not be created' env LIVE_FUNCTIONS=sfn-callback-worker FAKE_AWS_LAMBDA_STATE=Failed "$se" -p 0.05
run "-W skips the wait" 0 'SUCCEEDED' env LIVE_FUNCTIONS=sfn-callback-worker FAKE_AWS_LAMBDA_STATE=Failed "$se" -p 0.05 -W
run "no wait against a local endpoint" 0 'SUCCEEDED' env LIVE_FUNCTIONS=sfn-callback-worker FAKE_AWS_LAMBDA_STATE=Failed AWS_ENDPOINT_URL=http://127.0.0.1:4599 "$se" -p 0.05
refute "... and no Lambda call" lambda "$(cat "$work/calls.log")"
run "function name from terraform output" 0 'waiting for from-terraform:live' env -u LIVE_FUNCTIONS -u FAKE_TERRAFORM_APPROVAL FAKE_TERRAFORM_WORKER=from-terraform FAKE_AWS_PENDING_POLLS=1 "$se" -p 0.05
check "... a stack without the approval output: the worker only" '^0$' "$(grep 'lambda get-function-configuration' "$work/calls.log" | grep -vc -- '--function-name from-terraform --qualifier live')"
run "waits for the approval request function too" 0 'waiting for approval-from-terraform:live to become Active: Pending' env -u LIVE_FUNCTIONS FAKE_TERRAFORM_WORKER=worker-from-terraform FAKE_TERRAFORM_APPROVAL=approval-from-terraform FAKE_AWS_PENDING_POLLS=1 FAKE_AWS_PENDING_FUNCTION=approval-from-terraform "$se" -p 0.05
check "... after the worker, each on its live alias" '--function-name worker-from-terraform --qualifier live ' "$(grep 'lambda get-function-configuration' "$work/calls.log" | head -n 1)"
check "... then the approval request function until it is Active" '^2$' "$(grep -c 'lambda get-function-configuration --function-name approval-from-terraform --qualifier live' "$work/calls.log")"
if [ "$(grep -n 'stepfunctions start-execution' "$work/calls.log" | cut -d: -f1)" -gt "$(grep -n 'lambda get-function-configuration' "$work/calls.log" | tail -n 1 | cut -d: -f1)" ]; then
  ok "... and only then starts the execution"
else
  not_ok "... and only then starts the execution" "$(cat "$work/calls.log")"
fi

# --- stop-executions.sh (terraform destroy runs it before deleting the state machine) ----------
sx="$scripts/stop-executions.sh"
sm="arn:aws:states:eu-west-1:123456789012:stateMachine:sfn-callback-callback"
ex1="arn:aws:states:eu-west-1:123456789012:execution:sfn-callback-callback:waiting-for-approval"
ex2="arn:aws:states:eu-west-1:123456789012:execution:sfn-callback-callback:long-task"
run "stop-executions: stops every running execution" 0 '2 running executions of .* stopped' env FAKE_AWS_RUNNING_EXECUTIONS="$ex1 $ex2" "$sx" --state-machine-arn "$sm" --region eu-west-1
check "... each one with Stack.Destroyed" "stop-execution --execution-arn $ex2 --error Stack.Destroyed" "$(cat "$work/calls.log")"
check "... in the stack's region" "--region eu-west-1 stepfunctions list-executions --state-machine-arn $sm --status-filter RUNNING" "$(cat "$work/calls.log")"
run "stop-executions: none running" 0 '0 running executions of .* stopped' "$sx" --state-machine-arn "$sm"
refute "... and nothing is stopped" stop-execution "$(cat "$work/calls.log")"
run "stop-executions: one that cannot be stopped is a warning, not a failed destroy" 0 'warning: 1 executions could not be stopped' env FAKE_AWS_RUNNING_EXECUTIONS="$ex1 $ex2" FAKE_AWS_STOP_FAILS="$ex1" "$sx" --state-machine-arn "$sm"
check "... the other one is stopped" "stopped $ex2" "$LAST_OUTPUT"
run "stop-executions: no permission to list: a warning with what to do by hand" 0 'stop them by hand \(aws stepfunctions list-executions' env FAKE_AWS_LIST_FAILS=1 "$sx" --state-machine-arn "$sm"
run "stop-executions: no AWS CLI v2: a warning, exit 0" 0 'the AWS CLI v2 is not available' env AWS_CLI="$work/no-such-aws" "$sx" --state-machine-arn "$sm"
run "stop-executions: the ARN is required" 64 'state-machine-arn is required' "$sx"

# --- finish-task.sh (an operator ends the task a waiting execution is stuck on) ---------------
ft="$scripts/finish-task.sh"
ex="arn:aws:states:us-east-1:123456789012:execution:sfn-callback-callback:stuck"
# history NAME SPEC: writes an execution history to $work/NAME.json; SPEC is a Python list of
# (type, details) pairs, numbered from 1 as AWS numbers events.
history() {
  python3 - "$work/$1.json" "$2" << 'PY'
import json, sys
events = [dict({"id": i + 1, "type": t}, **d) for i, (t, d) in enumerate(eval(sys.argv[2]))]
json.dump({"events": events}, open(sys.argv[1], "w", encoding="utf-8"))
PY
}
entered() { echo "{'stateEnteredEventDetails': {'name': '$1', 'input': '{}'}}"; }
sqs_task() { echo "{'taskScheduledEventDetails': {'resourceType': 'sqs', 'resource': 'sendMessage.waitForTaskToken', 'parameters': json.dumps($1)}}"; }
history worker "[('ExecutionStarted', {}), ('TaskStateEntered', $(entered WaitForWorker)),
  ('TaskScheduled', $(sqs_task "{'QueueUrl': 'q', 'MessageBody': {'Input': {'TaskToken': 'a-user-field'}, 'TaskToken': 'tok-worker'}}")),
  ('TaskStarted', {}), ('TaskSubmitted', {})]"
history approval "[('ExecutionStarted', {}), ('TaskStateEntered', $(entered WaitForWorker)),
  ('TaskScheduled', $(sqs_task "{'MessageBody': {'TaskToken': 'tok-worker'}}")), ('TaskSucceeded', {}), ('TaskStateExited', {}),
  ('ChoiceStateEntered', $(entered ApprovalRequested)), ('ChoiceStateExited', {}), ('TaskStateEntered', $(entered WaitForApproval)),
  ('TaskScheduled', {'taskScheduledEventDetails': {'resourceType': 'lambda', 'resource': 'invoke.waitForTaskToken',
   'parameters': json.dumps({'FunctionName': 'f', 'Payload': {'TaskToken': 'tok-approval', 'Request': {}}})}}),
  ('TaskStarted', {}), ('TaskSubmitted', {})]"
history retried "[('ExecutionStarted', {}), ('TaskStateEntered', $(entered WaitForWorker)),
  ('TaskScheduled', $(sqs_task "{'MessageBody': {'TaskToken': 'tok-first'}}")), ('TaskFailed', {}),
  ('TaskScheduled', $(sqs_task "{'MessageBody': {'TaskToken': 'tok-retry'}}")), ('TaskSubmitted', {})]"
history string_body "[('TaskStateEntered', $(entered Custom)),
  ('TaskScheduled', $(sqs_task "{'MessageBody': json.dumps({'taskToken': 'tok-in-string'})}"))]"
history between "[('TaskStateEntered', $(entered WaitForWorker)), ('TaskScheduled', $(sqs_task "{'MessageBody': {'TaskToken': 't'}}")),
  ('TaskSucceeded', {}), ('TaskStateExited', {}), ('ChoiceStateEntered', $(entered ApprovalRequested))]"
history not_callback "[('TaskStateEntered', $(entered Invoke)), ('TaskScheduled', {'taskScheduledEventDetails':
  {'resourceType': 'lambda', 'resource': 'invoke', 'parameters': json.dumps({'FunctionName': 'f', 'Payload': {'TaskToken': 'x'}})}})]"
history no_token "[('TaskStateEntered', $(entered Custom)), ('TaskScheduled', $(sqs_task "{'MessageBody': {'Token': 'x'}}"))]"
history two_tokens "[('TaskStateEntered', $(entered Custom)), ('TaskScheduled', $(sqs_task "{'A': {'TaskToken': 'x'}, 'B': {'TaskToken': 'y'}}"))]"

run "finish-task: help" 0 '^usage: scripts/finish-task.sh --execution-arn ARN --succeed' "$ft" -h
run "finish-task: fail with error and cause" 0 'sent SendTaskFailure with error .Payment.Declined. and a cause' \
  env FAKE_AWS_HISTORY="$work/worker.json" "$ft" --execution-arn "$ex" --fail --error Payment.Declined --cause "card expired"
check "... names the state and the token's fingerprint, never the token" "waiting in state 'WaitForWorker' \(sqs:sendMessage.waitForTaskToken, TaskScheduled event #3, token $(printf %s tok-worker | sha256sum | cut -c1-12)\)" "$LAST_OUTPUT"
refute "... the token is not printed" tok-worker "$LAST_OUTPUT"
check "... the token of the task, not a TaskToken field of the input" '^stepfunctions send-task-failure --task-token tok-worker --error Payment.Declined --cause card expired$' "$(cat "$work/calls.log")"
check "... the execution's status asked first" "^stepfunctions describe-execution --execution-arn $ex --query status --output text$" "$(grep -m 1 stepfunctions "$work/calls.log")"
run "finish-task: fail with an error only" 0 "error 'Payment.Declined' and no cause" env FAKE_AWS_HISTORY="$work/worker.json" "$ft" --execution-arn "$ex" --fail --error Payment.Declined
check "... sends no --cause" '^stepfunctions send-task-failure --task-token tok-worker --error Payment.Declined$' "$(cat "$work/calls.log")"
run "finish-task: fail with neither" 0 'no error and no cause' env FAKE_AWS_HISTORY="$work/worker.json" "$ft" --execution-arn "$ex" --fail
check "... sends neither" '^stepfunctions send-task-failure --task-token tok-worker$' "$(cat "$work/calls.log")"
printf '%s' 'Karte abgelaufen — 東京 🚀' > "$work/cause.txt"
run "finish-task: a non-ASCII cause from a file reaches the CLI as UTF-8" 0 'and a cause' env LC_ALL=C FAKE_AWS_HISTORY="$work/worker.json" "$ft" --execution-arn "$ex" --fail --cause-file "$work/cause.txt"
check "... unchanged" '^stepfunctions send-task-failure --task-token tok-worker --cause Karte abgelaufen — 東京 🚀$' "$(cat "$work/calls.log")"
run "finish-task: succeed the approval task" 0 "waiting in state 'WaitForApproval' \(lambda:invoke.waitForTaskToken, TaskScheduled event #9" env FAKE_AWS_HISTORY="$work/approval.json" "$ft" --execution-arn "$ex" --succeed --output '{"approved": true, "approver": "ops"}'
check "... with the output, to the approval task's token" '^stepfunctions send-task-success --task-token tok-approval --task-output \{"approved": true, "approver": "ops"\}$' "$(cat "$work/calls.log")"
run "finish-task: heartbeat" 0 'sent SendTaskHeartbeat' env FAKE_AWS_HISTORY="$work/worker.json" "$ft" --execution-arn "$ex" --heartbeat
check "... to the task's token" '^stepfunctions send-task-heartbeat --task-token tok-worker$' "$(cat "$work/calls.log")"
run "finish-task: after a retry, the open attempt's token" 0 'event #5' env FAKE_AWS_HISTORY="$work/retried.json" "$ft" --execution-arn "$ex" --heartbeat
check "... not the failed attempt's" 'send-task-heartbeat --task-token tok-retry$' "$(cat "$work/calls.log")"
run "finish-task: a MessageBody sent as a JSON string, taskToken spelled as the worker accepts it" 0 'sent SendTaskHeartbeat' env FAKE_AWS_HISTORY="$work/string_body.json" "$ft" --execution-arn "$ex" --heartbeat
check "... is looked into" 'send-task-heartbeat --task-token tok-in-string$' "$(cat "$work/calls.log")"
run "finish-task: --dry-run sends nothing" 0 'dry run: would send SendTaskFailure with error .X. and no cause; nothing was sent' env FAKE_AWS_HISTORY="$work/worker.json" "$ft" --execution-arn "$ex" --fail --error X --dry-run
refute "... no send-task call" send-task "$(cat "$work/calls.log")"
run "finish-task: an execution that is not RUNNING is refused: exit 1" 1 "refused: $ex is SUCCEEDED, not RUNNING: no task is waiting, nothing was sent" env FAKE_AWS_HISTORY="$work/worker.json" FAKE_AWS_STATUS=SUCCEEDED "$ft" --execution-arn "$ex" --fail
refute "... nothing is sent" send-task "$(cat "$work/calls.log")"
run "finish-task: an execution between tasks is refused" 1 "not inside a task \(its last state is 'ApprovalRequested'\)" env FAKE_AWS_HISTORY="$work/between.json" "$ft" --execution-arn "$ex" --heartbeat
refute "... nothing is sent" send-task "$(cat "$work/calls.log")"
run "finish-task: a task that waits for no token is refused" 1 "state 'Invoke' runs lambda:invoke, which does not wait for a task token" env FAKE_AWS_HISTORY="$work/not_callback.json" "$ft" --execution-arn "$ex" --heartbeat
run "finish-task: parameters without a TaskToken field are refused" 1 "hold no field named TaskToken; pass the token to the AWS CLI yourself" env FAKE_AWS_HISTORY="$work/no_token.json" "$ft" --execution-arn "$ex" --heartbeat
run "finish-task: two different tokens at the same depth are refused" 1 "hold 2 different TaskToken fields" env FAKE_AWS_HISTORY="$work/two_tokens.json" "$ft" --execution-arn "$ex" --heartbeat
refute "... nothing is sent" send-task "$(cat "$work/calls.log")"
printf 'not json' > "$work/broken.json"
run "finish-task: a history it cannot read: exit 70" 70 'could not read the execution history' env FAKE_AWS_HISTORY="$work/broken.json" "$ft" --execution-arn "$ex" --heartbeat
refute "... nothing is sent" send-task "$(cat "$work/calls.log")"
run "finish-task: a task closed meanwhile: exit 70" 70 'SendTaskFailure with no error and no cause failed .*TaskTimedOut' env FAKE_AWS_HISTORY="$work/worker.json" FAKE_AWS_SEND_FAILS=1 "$ft" --execution-arn "$ex" --fail
run "finish-task: an output that is not JSON: exit 65, nothing called" 65 'the output is not valid JSON' "$ft" --execution-arn "$ex" --succeed --output '{"a":'
refute "... no Step Functions call" stepfunctions "$(cat "$work/calls.log")"
run "finish-task: NaN is not JSON" 65 'NaN is not JSON' "$ft" --execution-arn "$ex" --succeed --output '{"a":NaN}'
run "finish-task: --succeed needs an output" 64 '--succeed needs the task.s output' "$ft" --execution-arn "$ex" --succeed
run "finish-task: one action only" 64 'choose one of --succeed, --fail and --heartbeat' "$ft" --execution-arn "$ex" --fail --heartbeat
run "finish-task: --error goes with --fail" 64 '--error, --cause and --cause-file go with --fail' "$ft" --execution-arn "$ex" --heartbeat --error X
run "finish-task: the execution ARN is required" 64 '--execution-arn is required' "$ft" --fail
run "finish-task: an unreadable --cause-file: exit 65" 65 'cannot read --cause-file' "$ft" --execution-arn "$ex" --fail --cause-file "$work/missing.txt"
run "finish-task: no AWS CLI v2: exit 69" 69 'AWS CLI v2 is required' env FAKE_AWS_VERSION="aws-cli/1.45.11 Python/3.11.7" "$ft" --execution-arn "$ex" --heartbeat

# --- smoke-test.sh ---------------------------------------------------------------------------
st="$scripts/smoke-test.sh"
run "smoke test: all four paths pass" 0 'smoke-test: 4 passed, 0 failed' "$st" --heartbeat 3 --slow 5 --hang 5 --poll 0.05
for p in success reject slow hang; do
  check "smoke test reports $p" "^ok   $p" "$LAST_OUTPUT"
done
check "smoke test passes --slow to the slow path" '--input \{"mode":"slow","seconds":5\} .*--name smoke-.*-slow' "$(cat "$work/calls.log")"
run "smoke test: a rejection that succeeds is caught" 1 'FAIL reject: status SUCCEEDED, expected FAILED' env FAKE_AWS_BROKEN=reject "$st" --heartbeat 3 --slow 5 --hang 5 --poll 0.05
run "smoke test: a hang ending in Task.TookTooLong is caught" 1 "FAIL hang: error 'Task.TookTooLong', expected Task.NoHeartbeat" env FAKE_AWS_BROKEN=hang "$st" --heartbeat 3 --slow 5 --hang 5 --poll 0.05
run "smoke test: an output without result.status is caught" 1 'FAIL success: output has no result.status = done' env FAKE_AWS_BROKEN=succeed "$st" --only success --poll 0.05
run "smoke test: --only runs a subset" 0 'smoke-test: 2 passed, 0 failed' "$st" --only success,reject --poll 0.05
run "smoke test: hang not longer than the heartbeat is refused" 64 'must be longer than --heartbeat' "$st" --heartbeat 60 --hang 30
run "smoke test: unknown path" 64 "unknown path 'nap'" "$st" --only nap
run "smoke test: missing AWS CLI: exit 69" 69 'The AWS CLI v2 is required' env AWS_CLI="$work/no-such-aws" "$st"
run "smoke test: waits for the live version once" 0 'smoke-test: 2 passed, 0 failed' env LIVE_FUNCTIONS=sfn-callback-worker FAKE_AWS_PENDING_POLLS=1 "$st" --only success,reject --poll 0.05
check "... with a progress line" 'waiting for sfn-callback-worker:live to become Active: Pending' "$LAST_OUTPUT"
check "... asking Lambda once it is Active, not per path" '^2$' "$(grep -c 'lambda get-function-configuration' "$work/calls.log")"
run "smoke test: a Failed version stops it: exit 70" 70 'is Failed' env LIVE_FUNCTIONS=sfn-callback-worker FAKE_AWS_LAMBDA_STATE=Failed "$st" --only success --poll 0.05
run "smoke test: help" 0 'smoke-test.sh --heartbeat 3 --slow 5 --hang 5' "$st" -h

echo "script-tests: $passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then
  exit 1
fi
