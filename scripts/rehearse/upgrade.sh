#!/usr/bin/env bash
# The upgrade rehearsal: the project's real Terraform applied, upgraded, planned again and
# destroyed against moto (an AWS API emulator) on 127.0.0.1, in a temporary directory. Your
# checkout, its state and your AWS account are never touched.
#   (a) the baseline commit's configuration, applied
#   (b) the working tree's configuration swapped in over the same state, planned: no resource may
#       be deleted or replaced (the in-place updates are printed)
#   (c) applied
#   (d) planned again: no changes
#   (e) destroyed with one execution still waiting (the destroy-time provisioner must stop it),
#       then nothing of the stack is left in the emulator
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/rehearse/upgrade.sh [--baseline COMMIT] [--keep] [--defaults] [-h]

Applies the baseline commit's Terraform (default 395c545, the single-file layout) against moto on
127.0.0.1, swaps in the working tree's Terraform over the same state (approval_enabled = true when
that variable exists), and requires: a plan that deletes and replaces nothing (it prints the
in-place updates), an apply, a second plan with no changes, and a destroy, with one execution left
waiting that the destroy-time provisioner must stop, that leaves nothing in the emulator. Jars are
stand-in files (moto stores a function's code, it does not run it). A progress line per step with
its duration; the whole run takes about 4 minutes on a busy 2-core machine.

  --baseline COMMIT  the configuration users have applied today (default 395c545)
  --keep             keep the temporary directory (logs, state) and say where it is
  --defaults         upgrade with the working tree's defaults (no approval_enabled = true), as a
                     user who pulls the change and applies without new settings

Needs: git, Terraform >= 1.7, python3 with moto 5.2.1 (python3 -m pip install 'moto[server]==5.2.1'),
the AWS CLI v2 for the destroy-time provisioner (Debian: apt-get install awscli). Without internet,
providers come from TF_PROVIDER_MIRROR (default /opt/tf-plugins when it exists).
Exit codes: 0 passed; 1 a check failed; 3 moto is not installed (with CI=true: 1); 64 usage;
69 another prerequisite is missing.
USAGE
}

baseline=395c545
keep=0
defaults=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --baseline) [ "$#" -ge 2 ] || { usage >&2; exit 64; }; baseline="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --defaults) defaults=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "upgrade: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
region=us-east-1
prefix=sfn-callback
started=$SECONDS

# ---------------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------------

for tool in git terraform python3; do
  if ! command -v "$tool" > /dev/null; then
    echo "upgrade: $tool is required (see -h)" >&2
    exit 69
  fi
done
if ! python3 -c 'import moto.moto_server.werkzeug_app, boto3' 2> /dev/null; then
  echo "upgrade: moto is not installed for $(command -v python3). Install it: python3 -m pip install 'moto[server]==5.2.1'" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 3
fi
if ! git -C "$root" cat-file -e "$baseline^{commit}" 2> /dev/null; then
  echo "upgrade: the baseline commit $baseline is not in this clone (a shallow clone?): git fetch --unshallow, or fetch-depth: 0 in actions/checkout" >&2
  exit 69
fi
# shellcheck source=scripts/lib/aws-cli.sh
source "$root/scripts/lib/aws-cli.sh"
if ! AWS_ENDPOINT_URL="" find_aws_cli; then
  echo "upgrade: the destroy-time provisioner needs the AWS CLI v2 (see above)" >&2
  exit 69
fi
aws_cli="${AWS[0]}"

work="$(mktemp -d "${TMPDIR:-/tmp}/rehearse-upgrade.XXXXXX")"
stack="$work/stack"
me=upgrade
# shellcheck source=scripts/rehearse/lib.sh
source "$here/lib.sh"
cleanup() {
  local status=$?
  stop_started
  if [ "$keep" = 1 ] || [ "$status" -ne 0 ]; then
    echo "upgrade: logs and state kept in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# The inputs (the emulator, the environment and the provider: lib.sh)
# ---------------------------------------------------------------------------------------------

# The rehearsal's inputs. A long heartbeat: the execution left waiting for the destroy must still
# be running when the destroy-time provisioner runs, a minute or more later on a busy machine.
# approval_enabled where the configuration has it: the upgrade must keep what today's layout
# created, approval included.
write_tfvars() {
  local dir="$1"
  echo 'task_heartbeat_seconds = 900' > "$dir/rehearse.auto.tfvars"
  if [ "$defaults" = 0 ] && grep -qs 'variable "approval_enabled"' "$dir"/*.tf; then
    echo 'approval_enabled = true' >> "$dir/rehearse.auto.tfvars"
  fi
}

# The jars a configuration names, as stand-in files: moto stores a function's code, never runs it.
# Two layouts: lambda/target/callback-worker.jar (baseline) and one jar per kind of function.
stand_in_jars() {
  local dir="$1" jar
  for jar in lambda/target/callback-worker.jar lambda/worker/target/callback-worker.jar lambda/approval/target/callback-approval.jar; do
    mkdir -p "$dir/$(dirname "$jar")"
    printf 'stand-in for %s (%s)\n' "$jar" "$2" > "$dir/$jar"
  done
}

# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------


baseline_apply() {
  mkdir -p "$stack"
  git -C "$root" archive "$baseline" | tar -x -C "$stack"
  stand_in_jars "$stack" baseline
  write_provider_override "$stack"
  write_tfvars "$stack"
  logged "$work/a-init.log" tf init -input=false -no-color
  share_provider
  logged "$work/a-apply.log" tf apply -input=false -no-color -auto-approve -parallelism=20
  echo "upgrade: baseline $(git -C "$root" rev-parse --short "$baseline"): $(tf state list | wc -l) resources in the state"
}

# The working tree's Terraform over the baseline's files: root *.tf, the definition, modules/,
# and the destroy-time provisioner's script. The state and .terraform stay.
swap_in_working_tree() {
  rm -rf "$stack/modules"
  find "$stack" -maxdepth 1 -name '*.tf' ! -name 'rehearse_*' -delete
  cp "$root"/*.tf "$root/statemachine.asl.json" "$stack/"
  if [ -d "$root/modules" ]; then cp -R "$root/modules" "$stack/modules"; fi
  mkdir -p "$stack/scripts/lib"
  cp "$root/scripts/stop-executions.sh" "$stack/scripts/"
  cp "$root/scripts/lib/aws-cli.sh" "$stack/scripts/lib/"
  stand_in_jars "$stack" "working tree"
  rm -f "$stack"/rehearse_*.tf
  write_provider_override "$stack"
  write_tfvars "$stack"
  logged "$work/b-init.log" tf init -input=false -no-color
  logged "$work/b-plan.log" tf plan -input=false -no-color -out="$work/upgrade.tfplan"
  tf show -json "$work/upgrade.tfplan" > "$work/upgrade.plan.json"
  python3 "$here/rehearse_checks.py" plan "$work/upgrade.plan.json"
}

upgrade_apply() {
  logged "$work/c-apply.log" tf apply -input=false -no-color -auto-approve -parallelism=20 "$work/upgrade.tfplan"
  echo "upgrade: $(tf state list | wc -l) resources in the state"
}

second_plan() {
  local status=0
  tf plan -input=false -no-color -detailed-exitcode -out="$work/second.tfplan" > "$work/d-plan.log" 2>&1 || status=$?
  case "$status" in
    0) echo "upgrade: the second plan has no changes" ;;
    2)
      echo "upgrade: the second plan is not empty:" >&2
      tf show -json "$work/second.tfplan" > "$work/second.plan.json"
      python3 "$here/rehearse_checks.py" plan "$work/second.plan.json" >&2 || true # the list is the finding
      sed -n '/Terraform will perform/,$p' "$work/d-plan.log" | head -n 80 >&2
      return 1
      ;;
    *) tail -n 60 "$work/d-plan.log" >&2; return 1 ;;
  esac
}

# One execution waits for its task (the worker is not running), so the destroy-time provisioner
# has something to stop, as it would on an account where tasks are in flight.
destroy_with_waiting_execution() {
  local execution
  execution="$(python3 "$here/rehearse_checks.py" start-execution --endpoint "$endpoint" --state-machine "$prefix-callback")"
  echo "upgrade: started $execution, left waiting for its task"
  logged "$work/e-destroy.log" tf destroy -input=false -no-color -auto-approve -parallelism=20
  if ! grep -q "stop-executions: stopped $execution" "$work/e-destroy.log"; then
    echo "upgrade: the destroy-time provisioner did not stop $execution:" >&2
    grep 'stop-executions' "$work/e-destroy.log" >&2 || echo "(it printed nothing)" >&2
    "$aws_cli" --endpoint-url "$endpoint" stepfunctions describe-execution --execution-arn "$execution" \
      --query '{status: status, error: error, cause: cause}' --output json >&2 || true # the state machine may be gone
    return 1
  fi
  echo "upgrade: the destroy-time provisioner stopped $execution"
  python3 "$here/rehearse_checks.py" leftovers --endpoint "$endpoint" --prefix "$prefix"
}

step "start the emulator" start_emulator
environment
step "(a) apply the baseline $baseline" baseline_apply
step "(b) plan the working tree over its state" swap_in_working_tree
step "(c) apply the upgrade" upgrade_apply
step "(d) plan again: no changes" second_plan
step "(e) destroy: nothing left" destroy_with_waiting_execution
echo "upgrade: passed in $((SECONDS - started)) s"
