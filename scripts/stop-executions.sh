#!/usr/bin/env bash
# Stops every RUNNING execution of a state machine. `terraform destroy` runs it (main.tf,
# terraform_data.stop_executions_on_destroy) just before it deletes the state machine, because
# "a state machine is deleted only when all its executions are completed"
# (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DeleteStateMachine.html):
# an execution waiting for an approval (up to approval_timeout_seconds) or a long task (up to
# task_timeout_seconds) would otherwise keep it DELETING, and the provider gives up after 5 minutes.
#
# It never fails the destroy: when it cannot stop them (no AWS CLI v2, no permission), it says so
# and how to do it by hand, and the destroy goes on as it would have without it.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/stop-executions.sh --state-machine-arn ARN [--region REGION] [--cause TEXT]

Stops every RUNNING execution of the state machine (StopExecution with error Stack.Destroyed),
printing one line per execution and a count. Exit code 0 also when it could not stop them (a
warning says why); 64 on a usage error.
Needs: the AWS CLI v2 (see scripts/start-execution.sh -h) with permission for
states:ListExecutions and states:StopExecution.
Environment: AWS_ENDPOINT_URL (a local endpoint), AWS_CLI (the aws binary).
USAGE
}

arn=""
region=""
cause="terraform destroy is deleting the state machine"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --state-machine-arn) [ "$#" -ge 2 ] || { usage >&2; exit 64; }; arn="$2"; shift 2 ;;
    --region) [ "$#" -ge 2 ] || { usage >&2; exit 64; }; region="$2"; shift 2 ;;
    --cause) [ "$#" -ge 2 ] || { usage >&2; exit 64; }; cause="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "error: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done
if [ -z "$arn" ]; then
  echo "error: --state-machine-arn is required" >&2
  usage >&2
  exit 64
fi

manual="aws stepfunctions list-executions --state-machine-arn $arn --status-filter RUNNING, then aws stepfunctions stop-execution --execution-arn <each>"
warn() {
  echo "stop-executions: warning: $1" >&2
  echo "stop-executions: running executions keep the state machine from being deleted; if the destroy times out, stop them by hand ($manual) and run it again" >&2
}

# shellcheck source=scripts/lib/aws-cli.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/aws-cli.sh"
if ! find_aws_cli 2> /dev/null; then
  warn "the AWS CLI v2 is not available, so running executions were not stopped"
  exit 0
fi
if [ -n "$region" ]; then
  AWS+=(--region "$region")
fi

if ! running="$("${AWS[@]}" stepfunctions list-executions --state-machine-arn "$arn" --status-filter RUNNING \
  --query 'executions[].executionArn' --output text)"; then
  warn "could not list the running executions of $arn (see the AWS CLI message above)"
  exit 0
fi
stopped=0
failed=0
for execution in $running; do
  [ "$execution" = "None" ] && continue
  if "${AWS[@]}" stepfunctions stop-execution --execution-arn "$execution" --error Stack.Destroyed \
    --cause "$cause" > /dev/null; then
    echo "stop-executions: stopped $execution"
    stopped=$((stopped + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "stop-executions: $stopped running executions of $arn stopped"
if [ "$failed" -gt 0 ]; then
  warn "$failed executions could not be stopped (see the AWS CLI messages above)"
fi
exit 0
