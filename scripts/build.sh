#!/usr/bin/env bash
# Builds every deployable jar, tests skipped, with a JDK >= 21 found as the local run finds it.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/build.sh [-h] [--local-stack]

Builds the jars Terraform deploys, without running the tests:
  lambda/worker/target/callback-worker.jar        the worker (with the demo processor)
  lambda/approval/target/callback-approval.jar    the approval functions
  examples/order-processor/target/order-processor.jar   the example of your own processor
and prints their paths and sizes. The same sources give the same bytes, so a rebuild changes no
hash and Terraform publishes no new version.

  --local-stack   also build the local stack (local/), as scripts/local-run.sh does

The tests are not run: ./mvnw verify runs the Java tests, scripts/test.sh everything.
Needs a JDK 21 or newer (JAVA_HOME, java on PATH, or any under /usr/lib/jvm); Maven comes with ./mvnw.
USAGE
}

modules=lambda/worker,lambda/approval,examples/order-processor
for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
    --local-stack) modules="$modules,local" ;;
    *) echo "build: unknown argument $arg" >&2; usage >&2; exit 64 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/java.sh
source "$root/scripts/lib/java.sh"
require_java21

echo "[build] building the jars with $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1) (tests skipped: ./mvnw verify runs them)"
started=$SECONDS
"$root/mvnw" -q -B -f "$root/pom.xml" package -DskipTests -pl "$modules" -am
echo "[build] done in $((SECONDS - started))s:"
for jar in lambda/worker/target/callback-worker.jar lambda/approval/target/callback-approval.jar \
           examples/order-processor/target/order-processor.jar; do
  bytes="$(wc -c < "$root/$jar")"
  printf '  %-55s %6.2f MiB\n' "$jar" "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')"
done
