#!/usr/bin/env bash
# Finishes, by hand, the task a waiting execution is stuck on: an operator's SendTaskSuccess,
# SendTaskFailure or SendTaskHeartbeat given only the execution ARN. The task token is read from the
# execution's history (the open task's TaskScheduled event carries its resolved Parameters, the token
# included) and handed to the AWS CLI as a file://, so it is never printed or put on a command line.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/finish-task.sh --execution-arn ARN --succeed (--output JSON | --output-file FILE)
       scripts/finish-task.sh --execution-arn ARN --fail [--error ERROR] [--cause TEXT | --cause-file FILE]
       scripts/finish-task.sh --execution-arn ARN --heartbeat
       (each also takes --region REGION and --dry-run)

Finds the task the execution is waiting on (the last TaskScheduled event that has not ended, on a
.waitForTaskToken resource), reads its task token from the event's parameters (a field named
TaskToken, at the shallowest depth) and sends:
  --succeed    SendTaskSuccess with the output (a JSON text, at most 256 KiB); the state continues
               as if the worker or approver had answered
  --fail       SendTaskFailure; error (at most 256 characters) and cause (at most 32,768) are both
               optional, as in the API; the execution ends as docs/reference.md says for that ending
  --heartbeat  SendTaskHeartbeat: restarts the task's HeartbeatSeconds clock (never TimeoutSeconds)
  --dry-run    find the task and say what would be sent, without sending it

It refuses (exit 1, nothing sent) when the execution is not RUNNING, is not inside a task, or is
inside a task that does not wait for a task token.

Exit codes: 0 sent; 1 refused; 64 usage error; 65 the output is not JSON or a file is unreadable;
69 a prerequisite is missing (AWS CLI v2, python3); 70 an AWS CLI call failed (e.g. TaskTimedOut:
the task closed meanwhile).
Environment: AWS_ENDPOINT_URL (a local endpoint), AWS_CLI (the aws binary), AWS_REGION / AWS_PROFILE.
Needs: the AWS CLI v2 and python3, with states:DescribeExecution, states:GetExecutionHistory and
states:SendTask* permission.
USAGE
}

say() { echo "finish-task: $*"; }
die() {
  local code="$1"
  shift
  echo "finish-task: $*" >&2
  exit "$code"
}

arn=""
action=""
region=""
dry_run=false
output=""
output_file=""
error=""
has_error=false
cause=""
has_cause=false
cause_file=""
set_action() {
  [ -z "$action" ] || die 64 "choose one of --succeed, --fail and --heartbeat"
  action="$1"
}
need_value() {
  [ "$1" -ge 2 ] || { usage >&2; die 64 "$2 needs a value"; }
}
while [ "$#" -gt 0 ]; do
  case "$1" in
    --execution-arn) need_value "$#" "$1"; arn="$2"; shift 2 ;;
    --region) need_value "$#" "$1"; region="$2"; shift 2 ;;
    --succeed) set_action success; shift ;;
    --fail) set_action failure; shift ;;
    --heartbeat) set_action heartbeat; shift ;;
    --output) need_value "$#" "$1"; output="$2"; shift 2 ;;
    --output-file) need_value "$#" "$1"; output_file="$2"; shift 2 ;;
    --error) need_value "$#" "$1"; error="$2"; has_error=true; shift 2 ;;
    --cause) need_value "$#" "$1"; cause="$2"; has_cause=true; shift 2 ;;
    --cause-file) need_value "$#" "$1"; cause_file="$2"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die 64 "unknown argument $1" ;;
  esac
done
[ -n "$arn" ] || { usage >&2; die 64 "--execution-arn is required"; }
[ -n "$action" ] || { usage >&2; die 64 "say what to send: --succeed, --fail or --heartbeat"; }
if [ "$action" != success ] && { [ -n "$output" ] || [ -n "$output_file" ]; }; then
  die 64 "--output and --output-file go with --succeed"
fi
if [ "$action" != failure ] && { $has_error || $has_cause || [ -n "$cause_file" ]; }; then
  die 64 "--error, --cause and --cause-file go with --fail"
fi
if [ "$action" = success ] && [ -n "$output" ] && [ -n "$output_file" ]; then
  die 64 "give --output or --output-file, not both"
fi
if [ "$action" = success ] && [ -z "$output" ] && [ -z "$output_file" ]; then
  die 64 "--succeed needs the task's output: --output JSON or --output-file FILE (e.g. --output '{}')"
fi
if $has_cause && [ -n "$cause_file" ]; then
  die 64 "give --cause or --cause-file, not both"
fi

command -v python3 > /dev/null || die 69 "python3 is required to read the execution history (Debian: apt-get install python3)"
# shellcheck source=scripts/lib/aws-cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-cli.sh"
find_aws_cli || exit $?
if [ -n "$region" ]; then
  AWS+=(--region "$region")
fi
# file:// parameters are read in this encoding; the default is the locale's, which may not be UTF-8.
export AWS_CLI_FILE_ENCODING=UTF-8 AWS_PAGER=""

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The values go to the CLI as files: no length limit of a command line, no token in `ps`.
if [ "$action" = success ]; then
  if [ -n "$output_file" ]; then
    [ -r "$output_file" ] || die 65 "cannot read --output-file $output_file"
    cp "$output_file" "$work/output"
  else
    printf '%s' "$output" > "$work/output"
  fi
  if ! problem="$(python3 -c '
import json, sys
def no_constant(name):
    raise ValueError(name + " is not JSON")
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        json.loads(f.read(), parse_constant=no_constant)
except ValueError as e:
    print(e)
    sys.exit(1)
' "$work/output")"; then
    die 65 "the output is not valid JSON: $problem"
  fi
fi
if [ -n "$cause_file" ]; then
  [ -r "$cause_file" ] || die 65 "cannot read --cause-file $cause_file"
  cp "$cause_file" "$work/cause"
  has_cause=true
elif $has_cause; then
  printf '%s' "$cause" > "$work/cause"
fi
if $has_error; then
  printf '%s' "$error" > "$work/error"
fi

if ! status="$("${AWS[@]}" stepfunctions describe-execution --execution-arn "$arn" --query status --output text)"; then
  die 70 "describe-execution failed for $arn (see the AWS CLI message above)"
fi
if [ "$status" != RUNNING ]; then
  die 1 "refused: $arn is $status, not RUNNING: no task is waiting, nothing was sent"
fi

if ! "${AWS[@]}" stepfunctions get-execution-history --execution-arn "$arn" --output json > "$work/history.json"; then
  die 70 "get-execution-history failed for $arn (see the AWS CLI message above)"
fi

# Prints "state<TAB>event id<TAB>resource<TAB>token fingerprint" and writes the token to a file, or
# prints the reason for refusing and exits 3.
code=0
found="$(python3 - "$work/history.json" "$work/token" << 'PY'
import hashlib, json, sys

ENDED = {"TaskSucceeded", "TaskFailed", "TaskTimedOut", "TaskSubmitFailed", "TaskStartFailed", "TaskStateExited",
         "TaskStateAborted"}
with open(sys.argv[1], encoding="utf-8") as f:
    events = sorted(json.load(f)["events"], key=lambda e: e["id"])
state = None
task = None
for event in events:
    entered = event.get("stateEnteredEventDetails")
    if entered:
        state = entered["name"]
    if event["type"] == "TaskScheduled":
        task = (state, event["id"], event["taskScheduledEventDetails"])
    elif event["type"] in ENDED:
        task = None
if task is None:
    print(f"refused: the execution is not inside a task (its last state is {state!r}): nothing is waiting for a callback")
    sys.exit(3)
state, event_id, details = task
resource = details.get("resourceType", "") + ":" + details.get("resource", "")
if not resource.endswith(".waitForTaskToken"):
    print(f"refused: state {state!r} runs {resource}, which does not wait for a task token")
    sys.exit(3)


def tokens_at_shallowest(value):
    """The values of the TaskToken fields nearest the top; a string that is a JSON object is looked into."""
    level = [value]
    while level:
        found, deeper = [], []
        for node in level:
            if isinstance(node, str) and node.lstrip().startswith("{"):
                try:
                    node = json.loads(node)
                except ValueError:
                    continue
            if isinstance(node, dict):
                for key, child in node.items():
                    if key.lower() == "tasktoken" and isinstance(child, str):
                        found.append(child)
                    else:
                        deeper.append(child)
            elif isinstance(node, list):
                deeper.extend(node)
        if found:
            return sorted(set(found))
        level = deeper
    return []


try:
    parameters = json.loads(details.get("parameters") or "{}")
except ValueError:
    parameters = {}
tokens = tokens_at_shallowest(parameters)
if len(tokens) != 1:
    why = "no field named TaskToken" if not tokens else f"{len(tokens)} different TaskToken fields"
    print(f"refused: the parameters of state {state!r} (TaskScheduled event #{event_id}) hold {why}; "
          "pass the token to the AWS CLI yourself (aws stepfunctions send-task-*)")
    sys.exit(3)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(tokens[0])
print(f"{state}\t{event_id}\t{resource}\t{hashlib.sha256(tokens[0].encode()).hexdigest()[:12]}")
PY
)" || code=$?
if [ "$code" -eq 3 ]; then
  die 1 "$found; nothing was sent"
elif [ "$code" -ne 0 ]; then
  die 70 "could not read the execution history of $arn (see the message above); nothing was sent"
fi
IFS=$'\t' read -r state event_id resource fingerprint <<< "$found"
say "$arn is waiting in state '$state' ($resource, TaskScheduled event #$event_id, token $fingerprint)"

case "$action" in
  success)
    call=(send-task-success --task-token "file://$work/token" --task-output "file://$work/output")
    what="SendTaskSuccess ($(wc -c < "$work/output" | tr -d ' ') bytes of output)"
    ;;
  failure)
    call=(send-task-failure --task-token "file://$work/token")
    what="SendTaskFailure with"
    if $has_error; then
      call+=(--error "file://$work/error")
      what="$what error '$error'"
    else
      what="$what no error"
    fi
    if $has_cause; then
      call+=(--cause "file://$work/cause")
      what="$what and a cause"
    else
      what="$what and no cause"
    fi
    ;;
  heartbeat)
    call=(send-task-heartbeat --task-token "file://$work/token")
    what="SendTaskHeartbeat"
    ;;
esac

if $dry_run; then
  say "dry run: would send $what; nothing was sent"
  exit 0
fi
if ! "${AWS[@]}" stepfunctions "${call[@]}" > /dev/null; then
  die 70 "$what failed (see the AWS CLI message above; TaskTimedOut or TaskDoesNotExist: the task closed meanwhile)"
fi
say "sent $what"
if [ "$action" != heartbeat ]; then
  say "see how it went on: aws stepfunctions describe-execution --execution-arn $arn"
fi
