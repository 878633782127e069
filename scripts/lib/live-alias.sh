# shellcheck shell=bash
# Sourced by start-execution.sh and smoke-test.sh: waits until the `live` alias of each Lambda
# function the state machine relies on points at a version that Lambda will invoke.
#
# Why: with SnapStart, publishing a version (every `terraform apply` that changes the jar) makes
# Lambda initialise the code and take a snapshot; the version stays Pending until then and Lambda
# does not invoke a function in the Pending state ("Any invocations or other API actions that
# operate on the function will fail"), https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html
# and https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html#snapstart-function-states.
# Executions started right after the first apply would then sit in the queue while their
# heartbeat clock runs. GetFunctionConfiguration with the alias as qualifier reports the State of
# the version the alias points at (the AWS CLI's own `lambda wait published-version-active`
# waiter polls the same field).
#
# Needs: the AWS array from aws-cli.sh (find_aws_cli).

# live_function_names: the functions to wait for, one per line. $LIVE_FUNCTIONS (space-separated
# names or ARNs) when set, else the Terraform outputs worker_function_name and
# approval_request_function_name (the function the approval task invokes); an output the stack
# does not have (one deployed before it existed, or approval_enabled = false: Terraform stores no
# null output, and `terraform output -raw` fails as for a missing one) is skipped; prints nothing
# when neither is available.
live_function_names() {
  local root name output
  if [ -n "${LIVE_FUNCTIONS:-}" ]; then
    tr ' ' '\n' <<< "$LIVE_FUNCTIONS" | sed '/^$/d'
    return 0
  fi
  command -v terraform > /dev/null || return 0
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  for output in worker_function_name approval_request_function_name; do
    if name="$(terraform -chdir="$root" output -raw "$output" 2> /dev/null)" && [ -n "$name" ]; then
      printf '%s\n' "$name"
    fi
  done
}

# wait_for_live_aliases LIMIT_SECONDS POLL_SECONDS QUIET: returns 0 when every function's live
# version is Active, 75 when one is still Pending after LIMIT_SECONDS, 70 when a call fails or a
# version is Failed. Progress goes to stderr.
wait_for_live_aliases() {
  local limit="$1" poll="$2" quiet="$3" names name answer state update reason started=$SECONDS
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
    # A local endpoint (the local stack) has no Lambda API: its functions start with the stack.
    return 0
  fi
  names="$(live_function_names)"
  if [ -z "$names" ]; then
    [ "$quiet" -eq 1 ] || echo "note: not waiting for the functions' live versions (set LIVE_FUNCTIONS=<function names>, or run from the Terraform directory)" >&2
    return 0
  fi
  while IFS= read -r name; do
    while :; do
      if ! answer="$("${AWS[@]}" lambda get-function-configuration --function-name "$name" --qualifier live \
        --query '[State, LastUpdateStatus, StateReason]' --output text)"; then
        echo "error: lambda get-function-configuration for $name:live failed (see the AWS CLI message above)" >&2
        return 70
      fi
      IFS=$'\t' read -r state update reason <<< "$answer"
      case "$state" in
        Active)
          break
          ;;
        Inactive)
          # A SnapStart version not invoked for 14 days: the next invoke (the event source
          # mapping's) makes Lambda restore it, so waiting here would wait for nothing.
          [ "$quiet" -eq 1 ] || echo "note: $name:live is Inactive; its first invocation re-activates it and may take longer" >&2
          break
          ;;
        Pending)
          if [ $((SECONDS - started)) -ge "$limit" ]; then
            echo "error: $name:live is still $state after ${limit}s (${reason:-no reason given}); start the execution later, or skip this wait with -W" >&2
            return 75
          fi
          [ "$quiet" -eq 1 ] || echo "  [$((SECONDS - started))s] waiting for $name:live to become Active: $state${reason:+ ($reason)}" >&2
          sleep "$poll"
          ;;
        *)
          echo "error: $name:live is $state (last update ${update:-?}): ${reason:-no reason given}" >&2
          return 70
          ;;
      esac
    done
  done <<< "$names"
  return 0
}
