# shellcheck shell=bash
# The pieces upgrade.sh and rehearse.sh share: the emulator, the environment Terraform and the AWS
# CLI see, the provider pointed at the emulator, one shared provider process, and the steps with
# their durations. Sourced; the caller sets: me (its name, for messages), here, work, region,
# stack (the Terraform directory), and reads endpoint, launcher_pid, provider_pid.

launcher_pid=""
provider_pid=""
current_step=""
step_started=$SECONDS

# Stops what lib.sh started (the provider, the emulator); the caller's EXIT trap calls it.
stop_started() {
  if [ -n "$current_step" ]; then
    echo "$me: $current_step FAILED ($((SECONDS - step_started)) s)" >&2
    current_step=""
  fi
  if [ -n "$provider_pid" ]; then
    kill "$provider_pid" 2> /dev/null || true # already gone when it failed on its own
    wait "$provider_pid" 2> /dev/null || true
    provider_pid=""
  fi
  if [ -n "$launcher_pid" ]; then
    kill "$launcher_pid" 2> /dev/null || true # already gone when it failed on its own
    wait "$launcher_pid" 2> /dev/null || true
    launcher_pid=""
  fi
}

# Runs one step (set -e stops the script at its first failure; stop_started names the step).
step() {
  current_step="$1"
  step_started=$SECONDS
  shift
  echo "$me: $current_step ..."
  "$@"
  echo "$me: $current_step ok ($((SECONDS - step_started)) s)"
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

# moto with the launcher's workarounds on a free port of 127.0.0.1; sets endpoint.
start_emulator() {
  local line
  exec {emulator_out}< <(exec python3 "$here/moto_launcher.py" 2> "$work/moto.log")
  launcher_pid=$!
  if ! read -r -t 120 -u "$emulator_out" line || [ "${line%% *}" != ready ]; then
    echo "$me: the emulator did not start: $(tail -n 20 "$work/moto.log")" >&2
    return 1
  fi
  endpoint="${line#ready }"
  echo "$me: emulator at $endpoint (log: $work/moto.log)"
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
# Written by scripts/rehearse/$me.sh: every AWS API the configuration calls goes to the emulator.
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

# One provider process for every Terraform command after the first init: each command would
# otherwise start the 700 MB provider several times (about a second each here, more under load).
# Terraform's reattach mechanism (TF_REATTACH_PROVIDERS, from the provider started with -debug),
# as scripts/check-infra.sh does; the same binary terraform init installed. Without
# AWS_CA_BUNDLE, which a provider in debug mode cannot add; it only talks to 127.0.0.1 here.
share_provider() {
  local bin log="$work/provider.log" reattach=""
  bin="$(find -L "$TF_DATA_DIR/providers/registry.terraform.io/hashicorp/aws" -type f -name 'terraform-provider-aws*' | head -n 1)"
  if [ -z "$bin" ]; then
    echo "$me: no hashicorp/aws provider under $TF_DATA_DIR/providers" >&2
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
      echo "$me: the provider did not start in debug mode: $(cat "$log")" >&2
      return 1
    fi
    sleep 0.2 # it prints the line once it listens; nothing to block on but its log file
    reattach="$(sed -n "s/.*TF_REATTACH_PROVIDERS='\(.*\)'.*/\1/p" "$log" | head -n 1)"
  done
  export TF_REATTACH_PROVIDERS="$reattach"
}

tf() { terraform -chdir="$stack" "$@"; }
