#!/usr/bin/env bash
# Moves the messages of the dead-letter queue back to the queue they came from (the tasks queue), with
# SQS's own message move task, and waits until it is done. The CLI must have `sqs start-message-move-task`,
# which Debian 12's AWS CLI v2 (2.9) lacks: the script looks for one that has it and, where none has,
# says how to redrive otherwise.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/redrive-dead-letters.sh [--dlq-arn ARN] [--endpoint-url URL] [--poll SECONDS] [--no-wait]

Starts an SQS message move task from the dead-letter queue back to its source queue (the tasks
queue), then waits for it to finish, printing its progress. Messages whose executions have since
ended are answered TaskTimedOut by Step Functions and dropped by the worker, harmlessly.

  --dlq-arn ARN        the dead-letter queue (default: terraform output -raw dead_letter_queue_arn)
  --endpoint-url URL   an SQS endpoint other than AWS's (a local stack)
  --poll SECONDS       how often to check the move task (default 5)
  --no-wait            start the move task and exit
  -h, --help           this help

The AWS CLI: $AWS_CLI if set, else the first of /usr/bin/aws and every `aws` on PATH that has
`sqs start-message-move-task` (v1 or v2). Region and credentials as the CLI finds them
(AWS_REGION and AWS_DEFAULT_REGION, AWS_PROFILE, ...).
Exit codes: 0 moved (or started, with --no-wait), 1 the move task failed, 3 no AWS CLI here can
move messages (the message says what to do instead), 64 usage, 69 no AWS CLI at all.
USAGE
}

dlq_arn=""
endpoint=()
poll=5
wait_for_it=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --dlq-arn) dlq_arn="${2:?--dlq-arn needs an ARN}"; shift 2 ;;
    --endpoint-url) endpoint=(--endpoint-url "${2:?--endpoint-url needs a URL}"); shift 2 ;;
    --poll) poll="${2:?--poll needs seconds}"; shift 2 ;;
    --no-wait) wait_for_it=0; shift ;;
    *) echo "redrive: unknown option $1" >&2; usage >&2; exit 64 ;;
  esac
done
if ! [[ "$poll" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "redrive: --poll takes seconds, not '$poll'" >&2
  exit 64
fi

# The candidates, in order, without repeats.
candidates=()
if [[ -n "${AWS_CLI:-}" ]]; then
  candidates=("$AWS_CLI")
else
  [[ -x /usr/bin/aws ]] && candidates+=(/usr/bin/aws)
  while IFS= read -r found; do
    [[ " ${candidates[*]} " == *" $found "* ]] || candidates+=("$found")
  done < <(type -ap aws || true)
fi
if [[ ${#candidates[@]} -eq 0 ]]; then
  echo "redrive: no AWS CLI found (Debian/Ubuntu: sudo apt-get install awscli; or set AWS_CLI)" >&2
  exit 69
fi

# The first CLI that knows the command: --generate-cli-skeleton answers offline, and an unknown
# command fails at once ("Invalid choice").
cli=""
tried=()
for candidate in "${candidates[@]}"; do
  version="$("$candidate" --version 2>&1 | head -n1 || true)"
  tried+=("$candidate (${version%% *})")
  if "$candidate" sqs start-message-move-task --generate-cli-skeleton > /dev/null 2>&1; then
    cli="$candidate"
    break
  fi
done
if [[ -z "$cli" ]]; then
  {
    echo "redrive: no AWS CLI here has 'sqs start-message-move-task': $(IFS=,; echo "${tried[*]}")."
    echo "  Debian 12's AWS CLI v2 (2.9) predates it. Any of these redrives the dead-letter queue instead:"
    echo "  - a newer AWS CLI (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html),"
    echo "    then run this script again (or set AWS_CLI to it);"
    echo "  - the SQS console: open the dead-letter queue, then 'Start DLQ redrive';"
    echo "  - by hand: aws sqs receive-message on the dead-letter queue, send-message of each body to the"
    echo "    tasks queue, then delete-message with its receipt handle."
  } >&2
  exit 3
fi

if [[ -z "$dlq_arn" ]]; then
  if ! dlq_arn="$(terraform output -raw dead_letter_queue_arn 2> /dev/null)" || [[ -z "$dlq_arn" ]]; then
    echo "redrive: give --dlq-arn, or run this where 'terraform output -raw dead_letter_queue_arn' works" >&2
    exit 64
  fi
fi

echo "[redrive] moving the messages of $dlq_arn back to their source queue with $cli"
if ! handle="$("$cli" "${endpoint[@]}" sqs start-message-move-task --source-arn "$dlq_arn" \
    --query TaskHandle --output text 2>&1)"; then
  echo "redrive: start-message-move-task failed: $handle" >&2
  exit 1
fi
echo "[redrive] move task started ($handle)"
[[ "$wait_for_it" -eq 1 ]] || exit 0

started=$SECONDS
while true; do
  if ! line="$("$cli" "${endpoint[@]}" sqs list-message-move-tasks --source-arn "$dlq_arn" --max-results 1 \
      --query 'Results[0].[Status, ApproximateNumberOfMessagesMoved, ApproximateNumberOfMessagesToMove, FailureReason]' \
      --output text 2>&1)"; then
    echo "redrive: list-message-move-tasks failed: $line" >&2
    exit 1
  fi
  read -r status moved to_move reason <<< "$line"
  case "$status" in
    COMPLETED) echo "[redrive] done after $((SECONDS - started))s: $moved message(s) moved"; exit 0 ;;
    FAILED|CANCELLED) echo "redrive: the move task ended $status after $moved message(s): ${reason:-no reason given}" >&2; exit 1 ;;
    *) echo "[redrive] $((SECONDS - started))s: $status, $moved of ${to_move:-?} moved" ;;
  esac
  sleep "$poll"
done
