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
launcher_pid=""
provider_pid=""
current_step=""
cleanup() {
  local status=$?
  if [ -n "$current_step" ]; then
    echo "upgrade: $current_step FAILED ($((SECONDS - step_started)) s)" >&2
  fi
  if [ -n "$provider_pid" ]; then
    kill "$provider_pid" 2> /dev/null || true # already gone when it failed on its own
    wait "$provider_pid" 2> /dev/null || true
  fi
  if [ -n "$launcher_pid" ]; then
    kill "$launcher_pid" 2> /dev/null || true # already gone when it failed on its own
    wait "$launcher_pid" 2> /dev/null || true
  fi
  if [ "$keep" = 1 ] || [ "$status" -ne 0 ]; then
    echo "upgrade: logs and state kept in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# Runs one step (set -e stops the script at its first failure; cleanup names the step).
step() {
  current_step="$1"
  step_started=$SECONDS
  shift
  echo "upgrade: $current_step ..."
  "$@"
  echo "upgrade: $current_step ok ($((SECONDS - step_started)) s)"
  current_step=""
}

# A command's output goes to its log; shown only when it fails.
logged() {
  local log="$1"
  shift
  if ! "$@" > "$log" 2>&1; then
    tail -n 60 "$log" >&2
    return 1
  fi
}

# ---------------------------------------------------------------------------------------------
# The emulator and the environment Terraform and the AWS CLI see
# ---------------------------------------------------------------------------------------------

start_emulator() {
  local line
  exec {emulator_out}< <(exec python3 "$here/moto_launcher.py" 2> "$work/moto.log")
  launcher_pid=$!
  if ! read -r -t 120 -u "$emulator_out" line || [ "${line%% *}" != ready ]; then
    echo "upgrade: the emulator did not start: $(tail -n 20 "$work/moto.log")" >&2
    return 1
  fi
  endpoint="${line#ready }"
  echo "upgrade: emulator at $endpoint (log: $work/moto.log)"
}

environment() {
  # Nothing of the user's AWS configuration: dummy keys, no profile, no instance metadata.
  printf '[default]\nregion = %s\n' "$region" > "$work/aws-config"
  : > "$work/aws-credentials"
  export AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION="$region" AWS_DEFAULT_REGION="$region"
  unset AWS_PROFILE AWS_SESSION_TOKEN AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
  local variable
  for variable in $(compgen -e | grep '^AWS_ENDPOINT_URL_' || true); do # none set: nothing to unset
    unset "$variable"
  done
  export AWS_EC2_METADATA_DISABLED=true
  # Every AWS API call goes to the emulator: the destroy-time provisioner's
  # (scripts/stop-executions.sh passes AWS_ENDPOINT_URL to the CLI), and the provider's for any
  # service the override's endpoints block does not name (the AWS SDK for Go v2 reads it: the
  # provider's "Custom Service Endpoint Configuration" guide).
  export AWS_ENDPOINT_URL="$endpoint" AWS_CLI="$aws_cli"
  export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
  export TF_DATA_DIR="$work/tf-data"
  local mirror="${TF_PROVIDER_MIRROR:-}"
  if [ -z "$mirror" ] && [ -d /opt/tf-plugins ]; then mirror=/opt/tf-plugins; fi
  if [ -n "$mirror" ]; then
    printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' "$mirror" > "$work/terraformrc"
    export TF_CLI_CONFIG_FILE="$work/terraformrc"
  fi
}

# The provider pointed at the emulator: an override file replaces the product's provider
# arguments without editing its files
# (https://developer.hashicorp.com/terraform/language/files/override).
write_provider_override() {
  local dir="$1" file=rehearse_provider.tf service endpoints=""
  if grep -qs '^provider "aws"' "$dir"/*.tf; then file=rehearse_override.tf; fi
  for service in apigateway apigatewayv2 cloudwatch dynamodb events iam kms lambda logs s3 sfn sns sqs ssm sts xray; do
    endpoints+="$(printf '    %-12s = "%s"' "$service" "$endpoint")"$'\n'
  done
  cat > "$dir/$file" <<HCL
# Written by scripts/rehearse/upgrade.sh: every AWS API the configuration calls goes to moto.
provider "aws" {
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  max_retries                 = 2

  endpoints {
${endpoints}  }
}
HCL
}

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

# One provider process for every Terraform command after the first init: each command would
# otherwise start the 700 MB provider several times (about a second each here, more under load).
# Terraform's reattach mechanism (TF_REATTACH_PROVIDERS, from the provider started with -debug),
# as scripts/check-infra.sh does; the same binary terraform init installed. Without
# AWS_CA_BUNDLE, which a provider in debug mode cannot add; it only talks to 127.0.0.1 here.
share_provider() {
  local bin log="$work/provider.log" reattach=""
  bin="$(find -L "$TF_DATA_DIR/providers/registry.terraform.io/hashicorp/aws" -type f -name 'terraform-provider-aws*' | head -n 1)"
  if [ -z "$bin" ]; then
    echo "upgrade: no hashicorp/aws provider under $TF_DATA_DIR/providers" >&2
    return 1
  fi
  # In the configuration's directory: the provider resolves relative paths (the jars'
  # filename) against its own working directory, not Terraform's -chdir. Logs at WARN: in debug
  # mode it logs at TRACE, and tracing the validation of the endpoints block alone took 10-15 s,
  # twice per Terraform command, here.
  (cd "$stack" && exec env -u AWS_CA_BUNDLE TF_LOG=WARN TF_LOG_PROVIDER=WARN TF_LOG_SDK=WARN TF_LOG_SDK_PROTO=WARN \
    TF_LOG_SDK_MUX=WARN TF_LOG_SDK_FRAMEWORK=WARN TF_LOG_SDK_HELPER_SCHEMA=WARN "$bin" -debug > "$log" 2>&1) &
  provider_pid=$!
  local deadline=$((SECONDS + 120))
  while [ -z "$reattach" ]; do
    if ! kill -0 "$provider_pid" 2> /dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "upgrade: the provider did not start in debug mode: $(cat "$log")" >&2
      return 1
    fi
    sleep 0.2 # it prints the line once it listens; nothing to block on but its log file
    reattach="$(sed -n "s/.*TF_REATTACH_PROVIDERS='\(.*\)'.*/\1/p" "$log" | head -n 1)"
  done
  export TF_REATTACH_PROVIDERS="$reattach"
}

# ---------------------------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------------------------

stack="$work/stack"
tf() { terraform -chdir="$stack" "$@"; }

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
