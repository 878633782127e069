#!/usr/bin/env bash
# Runs every test of the project, the same way CI does (.ci/run calls this script).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/test.sh [-h]

Runs, in order, and stops at the first failure:
  1. java        ./mvnw verify, the whole Maven reactor: lambda/core, lambda/worker, lambda/approval
                 (unit, wire-level (WireMock), queue (ElasticMQ), DynamoDB Local and bad-input tests;
                 each function's jar), examples/order-processor (a processor in a project of its own),
                 local/ (interpreter, endpoint and parity tests, end-to-end tests through the whole
                 loop and the approval loop (headless Chromium), 1000 concurrent executions)
     jars        scripts/check-reproducible-jar.sh: two clean builds give the same jars (SHA-256)
  2. infra       scripts/check-infra.sh: terraform fmt, init, validate and test (tests/), the ASL
                 validators, IAM against the Java source, destroy order, planted errors
     docs        scripts/gen-docs.sh --check: the tables generated from the Terraform (variables,
                 outputs, alarms) are current, terraform.tfvars.example names real variables, the
                 deployer policy grants what every resource type needs
     rehearsal   scripts/rehearse/check.sh, against the moto AWS API emulator (skipped without moto,
                 except with CI=true): the launcher's tests; upgrade.sh (the previous layout applied,
                 this one planned over it with no destroy or replacement, applied, planned again with
                 no changes, destroyed) beside rehearse.sh (this Terraform applied, the deployed
                 functions hosted locally, executions with the AWS CLI for every ending and an
                 approval through the page, an empty plan, an update, destroy); about 6 minutes
  3. scripts     scripts/tests/run.sh: bash -n, shellcheck, the deploy scripts against a fake AWS CLI
  4. AWS CLI     scripts/e2e-cli.sh: the README's AWS CLI v2 commands against the local stack,
                 then scripts/smoke-test.sh against it

Needs: a JDK >= 21, Terraform >= 1.7, Node.js >= 20 with npm, python3, the AWS CLI v2 (Debian/Ubuntu:
sudo apt-get install awscli) and, for the browser tests, chromium and chromium-driver (.ci/run
installs what is missing). Maven comes with ./mvnw. Without internet, TF_PROVIDER_MIRROR names a
local Terraform provider mirror (.ci/run finds /opt/tf-plugins).
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) echo "test: unknown argument $1" >&2; usage >&2; exit 64 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/lib/java.sh
source "$root/scripts/lib/java.sh"
require_java21

missing=()
command -v node >/dev/null 2>&1 || missing+=("Node.js >= 20 and npm (https://nodejs.org, or: sudo apt-get install nodejs npm)")
command -v python3 >/dev/null 2>&1 || missing+=("python3 (sudo apt-get install python3)")
command -v terraform >/dev/null 2>&1 || missing+=("Terraform >= 1.7 (https://developer.hashicorp.com/terraform/install)")
# shellcheck source=scripts/lib/aws-cli.sh
source "$root/scripts/lib/aws-cli.sh"
AWS_ENDPOINT_URL="" find_aws_cli 2>/dev/null || missing+=("the AWS CLI v2 (Debian/Ubuntu: sudo apt-get install awscli; elsewhere https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)")
if [[ ${#missing[@]} -gt 0 ]]; then
  printf 'test: missing prerequisite: %s\n' "${missing[@]}" >&2
  exit 69
fi
export AWS_CLI="${AWS[0]}"

started=$SECONDS
declare -a summary=()
step() {
  local name="$1"; shift
  local t0=$SECONDS
  echo
  echo "==> $name"
  "$@"
  summary+=("$(printf '%-12s %4ds' "$name" $((SECONDS - t0)))")
}

# The reactor's progress (each module as it starts, each test class's counts) with the time; the whole
# Maven output goes to target/test-java.log. Afterwards, the counts per module and why anything was skipped.
java_tests() {
  local status=0
  mkdir -p target
  ./mvnw -B -ntp verify 2>&1 | tee target/test-java.log \
    | grep --line-buffered -E '^\[INFO\] Building |Tests run: .*, Time elapsed|^\[ERROR\]|BUILD (SUCCESS|FAILURE)' \
    | while IFS= read -r line; do printf '%s %s\n' "$(date +%H:%M:%S)" "$line"; done || status=$?
  python3 scripts/lib/junit-summary.py .
  return "$status"
}

step "java" java_tests
step "jars" scripts/check-reproducible-jar.sh
step "infra" scripts/check-infra.sh
step "docs" scripts/gen-docs.sh --check
# The real Terraform against the moto AWS API emulator (scripts/rehearse/check.sh: the upgrade from the
# previous layout and the deployment rehearsal with the real functions). Skipped with a message where
# moto is missing (exit 3), except on CI (CI=true), where that fails.
rehearsal() {
  local status=0
  scripts/rehearse/check.sh || status=$?
  if [[ "$status" == 3 ]]; then
    echo "rehearsal: skipped: moto is not installed (python3 -m pip install 'moto[server]==5.2.1')"
    return 0
  fi
  return "$status"
}
step "rehearsal" rehearsal
step "scripts" scripts/tests/run.sh
step "AWS CLI" scripts/e2e-cli.sh

echo
echo "All tests passed in $((SECONDS - started))s:"
printf '  %s\n' "${summary[@]}"
