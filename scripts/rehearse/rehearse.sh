#!/usr/bin/env bash
# The deployment rehearsal: the project's real Terraform applied against an AWS API emulator on
# 127.0.0.1 (moto by default) in a temporary copy, the real functions hosted on this machine by
# scripts/local-run.sh --host-functions, executions started with the AWS CLI v2 and their endings
# checked, then a second plan (no changes), an in-place update, and a destroy with one execution
# still waiting that leaves nothing behind. Your checkout, its state and your AWS account are
# never touched.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/rehearse/rehearse.sh [--endpoint URL] [--keep] [-h]

  (1) builds the jars when stale (scripts/local-run.sh does), starts moto (moto_launcher.py)
  (2) terraform apply of the working tree's Terraform in a temporary copy, approval_enabled = true
      and short timings, the provider pointed at the emulator by a generated override file
  (3) hosts the deployed functions (scripts/local-run.sh --host-functions): the worker polling the
      deployed tasks queue, the approval page and the approval-request function
  (4) executions started with the AWS CLI v2, each ending checked: success, rejection, worker
      crash, heartbeat expiry, task timeout, an approval approved and one rejected on the page's
      form (link read from the mail moto's SNS kept), a message that ends in the dead-letter queue
  (5) terraform plan -detailed-exitcode: no changes
  (6) an in-place update (lambda_memory_mb, the task's heartbeat and timeout), applied, then
      planned again: no changes
  (7) terraform destroy with one execution still waiting: the destroy-time provisioner stops it,
      and nothing of the stack is left in the emulator
A progress line per step with its duration; about 5 minutes on a busy 2-core machine.

  --endpoint URL  an emulator you run (LocalStack, floci, ...) instead of moto. The approval
                  scenarios need the emulator to hand Lambda Invoke to the hosted function (moto
                  does through the launcher), so they are skipped there; the leftovers check
                  reads moto's APIs and is skipped too.
  --keep          keep the temporary directory (logs, state) and say where it is

Needs: Terraform >= 1.7, python3 with moto 5.2.1 and boto3 (python3 -m pip install
'moto[server]==5.2.1'), the AWS CLI v2, a JDK 21 or newer. Without internet, providers come from
TF_PROVIDER_MIRROR (default /opt/tf-plugins when it exists).
Exit codes: 0 passed; 1 a check failed; 3 moto is not installed (with CI=true: 1); 64 usage;
69 another prerequisite is missing.
USAGE
}

given_endpoint=""
keep=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --endpoint) [ "$#" -ge 2 ] || { usage >&2; exit 64; }; given_endpoint="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "rehearse: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done

me=rehearse
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
region=us-east-1
prefix=sfn-callback
started=$SECONDS
# Short timings, each within variables.tf's rules: heartbeat interval x 3 <= heartbeat <
# timeout; retry delay < heartbeat; a 1 s retry delay so the dead-letter case takes seconds, not
# six function timeouts.
timings='{"task_heartbeat_seconds": 6, "heartbeat_interval_seconds": 2, "task_timeout_seconds": 12,
  "lambda_timeout_seconds": 30, "retry_delay_seconds": 1, "max_receive_count": 2, "approval_timeout_seconds": 120}'

# shellcheck source=scripts/rehearse/lib.sh
source "$here/lib.sh"

for tool in terraform python3; do
  if ! command -v "$tool" > /dev/null; then
    echo "rehearse: $tool is required (see -h)" >&2
    exit 69
  fi
done
if ! python3 -c 'import moto.moto_server.werkzeug_app, boto3' 2> /dev/null; then
  if [ -z "$given_endpoint" ]; then
    echo "rehearse: moto is not installed for $(command -v python3). Install it: python3 -m pip install 'moto[server]==5.2.1'" >&2
    if [ "${CI:-}" = "true" ]; then exit 1; fi
    exit 3
  fi
  if ! python3 -c 'import boto3' 2> /dev/null; then
    echo "rehearse: boto3 is required: python3 -m pip install boto3" >&2
    exit 69
  fi
fi
# shellcheck source=scripts/lib/aws-cli.sh
source "$root/scripts/lib/aws-cli.sh"
if ! AWS_ENDPOINT_URL="" find_aws_cli; then
  echo "rehearse: the executions and the destroy-time provisioner need the AWS CLI v2 (see above)" >&2
  exit 69
fi
aws_cli="${AWS[0]}"

work="$(mktemp -d "${TMPDIR:-/tmp}/rehearse.XXXXXX")"
stack="$work/stack"
host_pid=""
cleanup() {
  local status=$?
  if [ -n "$host_pid" ]; then
    kill "$host_pid" 2> /dev/null || true # already gone when it failed on its own
    wait "$host_pid" 2> /dev/null || true
  fi
  stop_started
  if [ "$keep" = 1 ] || [ "$status" -ne 0 ]; then
    echo "rehearse: logs and state kept in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------

build_jars() {
  # local-run.sh builds the function jars and the local stack when their sources changed.
  logged "$work/build.log" "$root/scripts/local-run.sh" --host-functions --help
}

emulator() {
  if [ -n "$given_endpoint" ]; then
    endpoint="$given_endpoint"
    echo "rehearse: using the emulator at $endpoint"
  else
    start_emulator
  fi
}

copy_stack() {
  mkdir -p "$stack/scripts/lib" "$stack/lambda/worker/target" "$stack/lambda/approval/target"
  cp "$root"/*.tf "$root/statemachine.asl.json" "$stack/"
  cp -R "$root/modules" "$stack/modules"
  cp "$root/scripts/stop-executions.sh" "$stack/scripts/"
  cp "$root/scripts/lib/aws-cli.sh" "$stack/scripts/lib/"
  cp "$root/lambda/worker/target/callback-worker.jar" "$stack/lambda/worker/target/"
  cp "$root/lambda/approval/target/callback-approval.jar" "$stack/lambda/approval/target/"
  write_provider_override "$stack"
  python3 - "$timings" > "$stack/rehearse.auto.tfvars" <<'PY'
import json, sys
for name, value in json.loads(sys.argv[1]).items():
    print(f"{name} = {value}")
print('approval_enabled = true')
print('approver_emails = ["approver@example.com"]')
PY
}

apply() {
  copy_stack
  logged "$work/init.log" tf init -input=false -no-color
  share_provider
  logged "$work/apply.log" tf apply -input=false -no-color -auto-approve -parallelism=20
  echo "rehearse: $(tf state list | wc -l) resources in the state"
  tf output -json > "$work/outputs.json"
}

output() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["value"] or "")' "$work/outputs.json" "$1"; }

host_functions() {
  local ready="$work/host-ready.json" deadline=$((SECONDS + 120))
  "$root/scripts/local-run.sh" --host-functions --endpoint-url "$endpoint" --name-prefix "$prefix" \
    --region "$region" --ready-file "$ready" --poll-wait-seconds 1 > "$work/host.log" 2>&1 &
  host_pid=$!
  while [ ! -s "$ready" ]; do
    if ! kill -0 "$host_pid" 2> /dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "rehearse: the functions could not be hosted:" >&2
      tail -n 30 "$work/host.log" >&2
      return 1
    fi
    sleep 0.5 # the host writes the file once everything listens
  done
  grep '^\[host\]' "$work/host.log" | sed 's/^/rehearse:   /'
  approval_endpoint="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("approvalEndpoint", ""))' "$ready")"
  local invoke
  invoke="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("invokeEndpoint", ""))' "$ready")"
  if [ -z "$given_endpoint" ] && [ -n "$invoke" ]; then
    # moto_launcher.py's LambdaInvokeRunsNoCode: moto hands Lambda Invoke to the hosted function.
    python3 -c 'import json,sys,urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/rehearse/lambda-invoke-forward", data=json.dumps({"url": sys.argv[2]}).encode(), method="POST"), timeout=30)' "$endpoint" "$invoke"
  elif [ -n "$given_endpoint" ]; then
    approval_endpoint=""
    echo "rehearse: the approval scenarios are skipped against $endpoint (its Lambda would have to run the request function)"
  fi
}

executions() {
  local args=(--endpoint "$endpoint" --state-machine "$(output state_machine_arn)" --queue-url "$(output tasks_queue_url)"
    --dlq-url "$(output dead_letter_queue_url)" --timings "$timings")
  if [ -n "$approval_endpoint" ]; then args+=(--approval-endpoint "$approval_endpoint"); fi
  AWS_CLI="$aws_cli" python3 "$here/scenarios.py" run "${args[@]}"
}

plan_no_changes() {
  local status=0 log="$work/plan-$1.log"
  tf plan -input=false -no-color -detailed-exitcode -out="$work/$1.tfplan" > "$log" 2>&1 || status=$?
  case "$status" in
    0) echo "rehearse: the plan has no changes" ;;
    2)
      echo "rehearse: the plan is not empty:" >&2
      sed -n '/Terraform will perform/,$p' "$log" | head -n 80 >&2
      return 1
      ;;
    *) tail -n 60 "$log" >&2; return 1 ;;
  esac
}

# The functions' memory and the state machine's timings change in place. The long heartbeat also
# keeps the execution left for the destroy waiting until the destroy-time provisioner runs, a
# minute or more later on a busy machine (with 6 s it would have timed out by then). A later
# *.auto.tfvars file overrides an earlier one (Terraform reads them in lexical order).
in_place_update() {
  printf 'lambda_memory_mb = 1536\ntask_heartbeat_seconds = 900\ntask_timeout_seconds = 3600\n' > "$stack/rehearse_update.auto.tfvars"
  logged "$work/update-plan.log" tf plan -input=false -no-color -out="$work/update.tfplan"
  tf show -json "$work/update.tfplan" > "$work/update.plan.json"
  python3 "$here/rehearse_checks.py" plan "$work/update.plan.json"
  logged "$work/update-apply.log" tf apply -input=false -no-color -auto-approve "$work/update.tfplan"
  plan_no_changes after-update
}

destroy_with_waiting_execution() {
  # The hosted worker is stopped first, so the execution's task is left waiting, as one whose
  # worker is still busy would be on an account.
  kill "$host_pid"
  wait "$host_pid" 2> /dev/null || true # its exit status after SIGTERM says nothing
  host_pid=""
  local execution
  execution="$(AWS_CLI="$aws_cli" python3 "$here/scenarios.py" start --state-machine "$(output state_machine_arn)" \
    --input '{"mode":"succeed","note":"left waiting for the destroy"}' --name "left-waiting-$(date +%s)")"
  echo "rehearse: started $execution, left waiting for its task"
  logged "$work/destroy.log" tf destroy -input=false -no-color -auto-approve -parallelism=20
  if ! grep -q "stop-executions: stopped $execution" "$work/destroy.log"; then
    echo "rehearse: the destroy-time provisioner did not stop $execution:" >&2
    grep 'stop-executions' "$work/destroy.log" >&2 || echo "(it printed nothing)" >&2
    return 1
  fi
  echo "rehearse: the destroy-time provisioner stopped $execution"
  if [ -z "$given_endpoint" ]; then
    python3 "$here/rehearse_checks.py" leftovers --endpoint "$endpoint" --prefix "$prefix"
  fi
}

step "(1) build the jars when stale" build_jars
step "(1) start the emulator" emulator
environment
step "(2) apply the working tree's Terraform" apply
step "(3) host the deployed functions" host_functions
step "(4) executions and their endings" executions
step "(5) plan again: no changes" plan_no_changes second
step "(6) an in-place update, then no changes" in_place_update
step "(7) destroy with an execution waiting: nothing left" destroy_with_waiting_execution
echo "rehearse: passed in $((SECONDS - started)) s"
