#!/usr/bin/env bash
# shellcheck disable=SC2317 # the stage functions run through step "name" function, which shellcheck cannot follow
# The infrastructure checks, run by the real Terraform on a copy of the configuration (nothing is
# written to the checkout): terraform fmt, init, validate (warnings fail too), terraform test
# (tests/*.tftest.hcl; with Terraform >= 1.11 also tests/upgrade/, which needs run blocks'
# state_key), then scripts/infra-check/check.js for what Terraform cannot know (ASL validators on
# the rendered definitions, IAM grants against each function's own Java source, handlers and jars
# against the Maven modules, destroy order, the plans that must change nothing, the local stack's
# defaults). Alongside, from the moment the copy is valid, the self-test plants one error at a time
# in copies of it and requires these checks to fail naming it. (The deploy scripts'
# tests are their own step of scripts/test.sh: scripts/tests/run.sh.)
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/check-infra.sh [--no-self-test]
  (no flags)        everything: the checks and the self-test of planted errors
  --no-self-test    skip the self-test (faster while editing)
Environment:
  CHECK_INFRA_REATTACH=0  start the provider anew for every Terraform operation instead of
                      sharing one provider process (slower; see "One provider process" below)
  TF_PROVIDER_MIRROR  a directory laid out as a Terraform filesystem mirror (for example
                      /opt/tf-plugins, holding registry.terraform.io/hashicorp/aws/<version>/<os_arch>/):
                      providers come from there, through a CLI configuration written for these
                      runs only. Unset: the usual provider installation (the registry).
Needs Terraform >= 1.7 (>= 1.11 for the upgrade test) and Node.js >= 20 with npm. Exit 0 when everything passes, 1 on a
finding or a failed test, 2 on a usage or setup error.
USAGE
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
checker="$here/infra-check"
self_test=1
check_dir=""    # internal (the self-test): check this prepared copy; Terraform is initialized
tests=""        # internal: the test files to run (comma-separated, or "none"); default all
run_checks=1    # internal: run check.js (--no-checks: not)
run_fmt=1       # internal: --no-fmt skips terraform fmt (a plant that is not about formatting)
run_validate=1  # internal: --no-validate skips terraform validate (a plant the tests must catch)
run_inspect=1   # internal: --no-inspect skips terraform graph/console
reuse=""        # internal: take Terraform's results from this checked copy instead of running it
while [ "$#" -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --no-self-test) self_test=0 ;;
    --check-dir) check_dir="$2"; shift ;;
    --tests) tests="$2"; shift ;;
    --no-checks) run_checks=0 ;;
    --no-fmt) run_fmt=0 ;;
    --no-validate) run_validate=0 ;;
    --no-inspect) run_inspect=0 ;;
    --reuse) reuse="$2"; shift ;;
    *) echo "check-infra: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# The tools; the self-test's runs (--check-dir) skip this, the run that started them checked.
prerequisites() {
  local tool stamp
  if ! command -v terraform > /dev/null; then
    echo "check-infra: terraform is required (>= 1.7): https://developer.hashicorp.com/terraform/install (Debian/Ubuntu: HashiCorp's apt repository, or unzip the release into /usr/local/bin)" >&2
    exit 2
  fi
  # Exported: the self-test's runs (--check-dir) skip this and read it.
  export tf_version
  tf_version="$(terraform version 2> /dev/null | sed -n '1s/^Terraform v\([0-9.]*\).*/\1/p')"
  if ! printf '1.7.0\n%s\n' "$tf_version" | sort -V -C; then
    echo "check-infra: Terraform >= 1.7 is required for the tests (mock_provider, override_resource), found ${tf_version:-an unknown version}" >&2
    exit 2
  fi
  for tool in node npm; do
    if ! command -v "$tool" > /dev/null; then
      echo "check-infra: $tool is required (Node.js >= 20.1; Debian: apt-get install nodejs npm)" >&2
      exit 2
    fi
  done
  # 20.1: the first with fs.readdirSync's recursive option, which the checker uses.
  if [ "$(node -p 'const [a, b] = process.versions.node.split(".").map(Number); a * 1000 + b')" -lt 20001 ]; then
    echo "check-infra: Node.js >= 20.1 is required, found $(node --version)" >&2
    exit 2
  fi
  stamp="$checker/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$checker/package-lock.json" -nt "$stamp" ]; then
    echo "check-infra: installing the checker's dependencies (npm ci in scripts/infra-check)"
    (cd "$checker" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
if [ -z "$check_dir" ]; then prerequisites; fi

# Test files whose state or plan check.js reads (terraform test -json -verbose); the rest run as usual,
# and so do these when check.js does not run (a plant of the self-test that one run must fail on):
# -verbose prints the aws provider's whole schema (15 MB of JSON) with every run's plan or state.
harvest_files=(tests/state_machine.tftest.hcl tests/partition_aws_cn.tftest.hcl tests/partition_aws_us_gov.tftest.hcl tests/iam.tftest.hcl tests/jars.tftest.hcl)

# tests/upgrade/ applies the single-file layout and plans the modules against its state: run blocks
# share a state across configurations through state_key, which Terraform 1.11 added.
upgrade_test() { [ -n "${tf_version:-}" ] && printf '1.11.0\n%s\n' "$tf_version" | sort -V -C; }

step() {
  local name="$1" t0=$SECONDS
  shift
  echo "check-infra: $name ..."
  if "$@"; then
    echo "check-infra: $name ok ($((SECONDS - t0)) s)"
  else
    echo "check-infra: $name FAILED ($((SECONDS - t0)) s)"
    return 1
  fi
}

# A copy holding what the checks read: the Terraform files, the poms and main sources of the Maven
# modules whose jars the tests deploy, and a stand-in jar where each pom builds the real one (and
# where the single-file layout of tests/upgrade/ expects its one jar). Your *.tfvars stay out:
# terraform test would read them, and the tests are about the defaults.
prepare_copy() {
  local dest="$1" module jar
  mkdir -p "$dest"
  tar -C "$root" --exclude=./lambda --exclude=./local --exclude=./scripts --exclude=./docs --exclude=./examples \
    --exclude=./.git --exclude=./.terraform --exclude='*.tfstate*' --exclude=./.terraform.lock.hcl \
    --exclude='*.tfvars' --exclude='*.tfvars.json' --exclude='*.tfplan' --exclude=target \
    --exclude=./.local --exclude=node_modules -cf - . | tar -C "$dest" -xf -
  for module in lambda/core lambda/worker lambda/approval examples/order-processor; do
    mkdir -p "$dest/$module/src/main"
    cp "$root/$module/pom.xml" "$dest/$module/"
    cp -R "$root/$module/src/main/java" "$dest/$module/src/main/"
  done
  mkdir -p "$dest/local/src/main/resources"
  cp "$root/local/src/main/resources/terraform-defaults.json" "$dest/local/src/main/resources/"
  while read -r jar; do
    mkdir -p "$dest/$(dirname "$jar")"
    echo "stand-in for $jar: tests do not read its content, only its hash" > "$dest/$jar"
  done < <(node "$checker/check.js" --jar-path "$dest"; echo tests/upgrade/from-395c545/lambda/target/callback-worker.jar)
}

fmt_check() { (cd "$1" && terraform fmt -check -recursive -diff -no-color); }

tf_init() {
  (cd "$1" && terraform init -backend=false -input=false -no-color > "$1.init.log" 2>&1) || { cat "$1.init.log"; return 1; }
  if upgrade_test; then
    (cd "$1" && terraform init -backend=false -input=false -no-color -test-directory=tests/upgrade >> "$1.init.log" 2>&1) || { cat "$1.init.log"; return 1; }
  fi
}

# Errors and warnings (a deprecated attribute, say) both fail.
validate() {
  local out
  out="$(cd "$1" && terraform validate -no-color 2>&1)" || { echo "$out"; return 1; }
  if grep -q '^Warning' <<< "$out"; then
    echo "$out"
    return 1
  fi
}

# The dependency graph and the declared variables with their defaults, as Terraform sees them.
# A plant of the self-test needs the graph only (its plants of the defaults reuse the unplanted
# copy's).
inspect() {
  local dir="$1" names expr
  (cd "$dir" && terraform graph -type=plan) > "$dir.graph.dot" || return 1
  if [ -n "$check_dir" ]; then return 0; fi
  names="$(grep -o '"\[root\] var\.[a-z0-9_]*"' "$dir.graph.dot" | sed 's/.*var\.\([a-z0-9_]*\)"/\1/' | sort -u)"
  expr="jsonencode({$(for n in $names; do printf '%s = var.%s, ' "$n" "$n"; done)})"
  (cd "$dir" && echo "$expr" | terraform console) > "$dir.console.out" || { cat "$dir.console.out"; return 1; }
  node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")))' "$dir.console.out" > "$dir.defaults.json"
}

# The files check.js reads run with -json -verbose (their state is printed); the others as usual,
# in two processes of about equal weight (a file weighs four per run of the whole configuration,
# one per run of a module alone, about what they cost, plus five, its own start-up and teardown;
# the heaviest first, each to the lighter process); all at once.
run_tests() {
  local dir="$1" status=0 plain=() harvest=() f n i upgrade=0 upgrade_pid=""
  local groups=("" "") runs=(0 0) pids=("" "")
  if [ -z "$tests" ]; then
    for f in "$dir"/tests/*.tftest.hcl; do plain+=("tests/$(basename "$f")"); done
    upgrade=1
  else
    for f in ${tests//,/ }; do
      if [ "$f" = tests/upgrade ]; then upgrade=1; else plain+=("$f"); fi
    done
  fi
  if [ "$upgrade" -eq 1 ] && upgrade_test; then
    (cd "$dir" && terraform test -json -verbose -test-directory=tests/upgrade) > "$dir.test-upgrade.jsonl" 2>&1 &
    upgrade_pid=$!
  fi
  for f in "${harvest_files[@]}"; do
    if [ "$run_checks" -eq 1 ] && [[ " ${plain[*]} " == *" $f "* ]]; then
      harvest+=("-filter=$f")
      plain=("${plain[@]/$f/}")
    fi
  done
  read -r -a plain <<< "${plain[*]}"
  while read -r n f; do
    [ -n "$f" ] || continue
    i=0
    if [ "${runs[1]}" -lt "${runs[0]}" ]; then i=1; fi
    groups[i]+=" -filter=$f"
    runs[i]=$((runs[i] + n))
  done < <(for f in "${plain[@]}"; do echo "$(($(grep -c '^run "' "$dir/$f") * 4 - $(grep -c '^  module {' "$dir/$f") * 3 + 5)) $f"; done | sort -rn)
  for i in 0 1; do
    if [ -n "${groups[i]}" ]; then
      # shellcheck disable=SC2086 # the -filter= words split on purpose
      (cd "$dir" && terraform test -no-color ${groups[i]}) > "$dir.tests-$i.log" 2>&1 &
      pids[i]=$!
    fi
  done
  : > "$dir.test-states.jsonl"
  if [ "${#harvest[@]}" -gt 0 ]; then
    (cd "$dir" && terraform test -json -verbose "${harvest[@]}") > "$dir.test-states.jsonl" 2>&1 || status=1
  fi
  if [ -n "$upgrade_pid" ]; then
    wait "$upgrade_pid" || status=1
    cat "$dir.test-upgrade.jsonl" >> "$dir.test-states.jsonl"
    rm -f "$dir.test-upgrade.jsonl"
  fi
  if [ -s "$dir.test-states.jsonl" ]; then
    node "$checker/check.js" --render "$dir.test-states.jsonl" --keep "$dir.harvest.json" || status=1
  fi
  rm -f "$dir.test-states.jsonl"
  for i in 0 1; do
    if [ -n "${pids[i]}" ]; then
      wait "${pids[i]}" || status=1
      grep -v -e '^$' -e 'tearing down' -e 'in progress' "$dir.tests-$i.log" || true
    fi
  done
  return "$status"
}

# One provider process: every test run would otherwise start the 700 MB aws provider two or three
# times and fetch its schema (about a second each). Terraform's plugin reattach mechanism
# (TF_REATTACH_PROVIDERS, from the provider started with -debug: Terraform's "debugging providers"
# workflow) lets every later command, the self-test's included, use one running process, the same
# binary terraform init installed. Started and stopped by this script, by its pid. Without
# AWS_CA_BUNDLE: in debug mode the provider cannot add a CA bundle to its HTTP client ("unable to
# add custom RootCAs HTTPClient"), and these runs call no AWS endpoint.
provider_pid=""
share_provider() {
  local bin log="$work/provider.log" deadline=$((SECONDS + 120)) reattach=""
  bin="$(find -L "$TF_DATA_DIR/providers/registry.terraform.io/hashicorp/aws" -type f -name 'terraform-provider-aws*' | head -n 1)"
  if [ -z "$bin" ]; then
    echo "no hashicorp/aws provider under $TF_DATA_DIR/providers"
    return 1
  fi
  env -u AWS_CA_BUNDLE "$bin" -debug > "$log" 2>&1 &
  provider_pid=$!
  while [ -z "$reattach" ]; do
    if ! kill -0 "$provider_pid" 2> /dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "the provider did not start in debug mode:"
      cat "$log"
      return 1
    fi
    sleep 0.2
    reattach="$(sed -n "s/.*TF_REATTACH_PROVIDERS='\(.*\)'.*/\1/p" "$log" | head -n 1)"
  done
  export TF_REATTACH_PROVIDERS="$reattach"
}

checks() {
  local more=() upgrade=no
  if [ -n "$tests" ]; then more+=(--partial yes); fi
  # Terraform's results of the unplanted copy: its rendered definitions passed the ASL validators.
  if [ -n "$reuse" ]; then more+=(--asl skip); fi
  if upgrade_test; then upgrade=yes; fi
  node "$checker/check.js" --root "$1" --graph "$2.graph.dot" --defaults "$2.defaults.json" --harvest "$2.harvest.json" --upgrade "$upgrade" "${more[@]}"
}

# fmt, validate and the graph stop at the first failure; the tests and check.js both run and both
# report (a test failure does not hide a finding).
pipeline() {
  local dir="$1" status=0
  if [ "$run_fmt" -eq 1 ]; then step "terraform fmt -check -recursive" fmt_check "$dir" || return 1; fi
  if [ -z "$check_dir" ]; then
    step "terraform init -backend=false" tf_init "$dir" || return 1
    if [ "${CHECK_INFRA_REATTACH:-1}" != 0 ]; then step "one shared provider process" share_provider || return 1; fi
  fi
  if [ -n "$reuse" ]; then
    step "checks on the Java source and the docs (Terraform's results from the unplanted copy)" checks "$dir" "$reuse" || status=1
    return "$status"
  fi
  if [ "$run_validate" -eq 1 ]; then step "terraform validate" validate "$dir" || return 1; fi
  if [ -z "$check_dir" ] && [ "$self_test" -eq 1 ]; then start_self_test; fi
  if [ "$run_inspect" -eq 1 ]; then step "terraform graph and console (dependencies, variables)" inspect "$dir" || return 1; fi
  rm -f "$dir.harvest.json"
  if [ "$tests" != "none" ]; then step "terraform test" run_tests "$dir" || status=1; fi
  if [ "$run_checks" -eq 1 ]; then step "checks of what Terraform cannot know" checks "$dir" "$dir" || status=1; fi
  return "$status"
}

if [ -n "$check_dir" ]; then
  pipeline "$check_dir"
  exit $?
fi

# The self-test runs alongside the checks of the unplanted copy, from the moment that copy is
# valid: the two together keep both cores busy, where one after the other left one idle for long
# stretches. Its plants that reuse the unplanted copy's results, and its verdict, wait for that
# copy's outcome, which this script writes to the self-test's standard input (a pipe): a plant
# caught proves something only where the unplanted copy passes.
self_test_pid=""
start_self_test() {
  mkfifo "$work/unplanted.fifo"
  self_test_started=$SECONDS
  node "$checker/selftest.js" "$work" "$here/check-infra.sh" < "$work/unplanted.fifo" > "$work/self-test.log" 2>&1 &
  self_test_pid=$!
  exec 3> "$work/unplanted.fifo"
  echo "check-infra: self-test (planted errors) started alongside"
}

finish_self_test() {
  local unplanted="$1" result=0
  echo "$unplanted" >&3
  exec 3>&-
  wait "$self_test_pid" || result=$?
  self_test_pid=""
  cat "$work/self-test.log"
  if [ "$unplanted" -ne 0 ]; then
    echo "check-infra: self-test skipped: the unplanted configuration must pass first"
  elif [ "$result" -eq 0 ]; then
    echo "check-infra: self-test (planted errors) ok ($((SECONDS - self_test_started)) s)"
  else
    echo "check-infra: self-test (planted errors) FAILED ($((SECONDS - self_test_started)) s)"
    return 1
  fi
}

work="$(mktemp -d "${TMPDIR:-/tmp}/check-infra.XXXXXX")"
cleanup() {
  if [ -n "$self_test_pid" ]; then kill "$self_test_pid" 2> /dev/null || true; fi
  if [ -n "$provider_pid" ]; then kill "$provider_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Terraform's own state, caches and CLI configuration for these runs only.
export TF_DATA_DIR="$work/terraform-data" TF_IN_AUTOMATION=1 TF_INPUT=0
# No version check against checkpoint-api.hashicorp.com (half a second per command where it cannot
# be reached). GOGC=400: Go's garbage collector in Terraform and the provider runs a quarter as
# often; a test process then needs about twice the memory (0.5 GB instead of 0.25) and far less
# CPU time (https://go.dev/doc/gc-guide#GOGC; GOGC=off with a memory limit saved more CPU time
# in user space and lost it again to the kernel's page faults).
export CHECKPOINT_DISABLE=1 GOGC="${GOGC:-400}"
if [ -n "${TF_PROVIDER_MIRROR:-}" ]; then
  if [ ! -d "$TF_PROVIDER_MIRROR/registry.terraform.io" ]; then
    echo "check-infra: TF_PROVIDER_MIRROR=$TF_PROVIDER_MIRROR is not a filesystem mirror (no registry.terraform.io/ in it)" >&2
    exit 2
  fi
  printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' "$TF_PROVIDER_MIRROR" > "$work/cli.tfrc"
  export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
  echo "check-infra: providers from the mirror $TF_PROVIDER_MIRROR; Terraform $tf_version"
else
  echo "check-infra: providers from the registry (set TF_PROVIDER_MIRROR for a local mirror); Terraform $tf_version"
fi

started=$SECONDS
status=0
prepare_copy "$work/stack"
pipeline "$work/stack" || status=1
if [ -n "$self_test_pid" ]; then
  finish_self_test "$status" || status=1
elif [ "$self_test" -eq 1 ]; then
  echo "check-infra: self-test skipped: the unplanted configuration must pass first"
fi

echo "check-infra: $([ "$status" -eq 0 ] && echo "all passed" || echo FAILED) in $((SECONDS - started)) s"
exit "$status"
