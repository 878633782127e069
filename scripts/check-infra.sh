#!/usr/bin/env bash
# Offline checks of the infrastructure: our `terraform validate`, at least as strict where it can
# be. Parses every .tf with HashiCorp's HCL parser, checks `terraform fmt` layout, every resource
# and data block against the hashicorp/aws provider schema, references, variable rules, the
# rendered state machine definition (asl-validator + amazon-states-language-service), IAM least
# privilege against the worker's SDK calls, and the cross-checks with lambda/ and local/.
# Then the self-test plants one error at a time in a copy and expects each to be caught, and
# the stub-based tests of the deploy scripts run (scripts/tests/).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/check-infra.sh [--no-self-test | --self-test] [--no-script-tests]
  (no flags)        everything: the checks, the self-test of planted errors, the script tests
  --no-self-test    skip the self-test (faster while editing)
  --self-test       only the self-test
  --no-script-tests skip scripts/tests (bash -n, shellcheck when installed, stubbed AWS CLI runs)
Exit code 0 when everything passes, 1 on any finding or failed test, 2 on a usage or setup error.
Needs Node.js >= 20 and npm (Debian: apt-get install nodejs npm).
USAGE
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
checker="$here/infra-check"
node_args=()
script_tests=1
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    --no-self-test | --self-test) node_args+=("$arg") ;;
    --no-script-tests) script_tests=0 ;;
    *) echo "check-infra: unknown argument $arg" >&2; usage >&2; exit 2 ;;
  esac
done

for tool in node npm; do
  if ! command -v "$tool" > /dev/null; then
    echo "check-infra: $tool is required (Node.js >= 20; Debian: apt-get install nodejs npm)" >&2
    exit 2
  fi
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "check-infra: Node.js >= 20 is required, found $(node --version)" >&2
  exit 2
fi

# npm ci when node_modules is missing or older than the lock file.
stamp="$checker/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$checker/package-lock.json" -nt "$stamp" ]; then
  echo "check-infra: installing the checker's dependencies (npm ci in scripts/infra-check)"
  (cd "$checker" && npm ci --no-audit --no-fund --loglevel=error)
fi

status=0
# The script tests mostly wait on polling loops: run them beside the CPU-bound checks.
tests_log=""
tests_pid=""
if [ "$script_tests" -eq 1 ] && [ "${node_args[*]:-}" != "--self-test" ]; then
  tests_log="$(mktemp)"
  trap 'rm -f "$tests_log"' EXIT
  "$here/tests/run.sh" > "$tests_log" 2>&1 &
  tests_pid=$!
fi

if ! node "$checker/check.js" "${node_args[@]}"; then
  status=1
fi

if [ -n "$tests_pid" ]; then
  echo "check-infra: waiting for the script tests (scripts/tests/run.sh)"
  tests_status=0
  wait "$tests_pid" || tests_status=$?
  cat "$tests_log"
  if [ "$tests_status" -ne 0 ]; then
    status=1
  fi
fi
exit "$status"
