#!/usr/bin/env bash
# Builds the function jars twice, from clean copies of the Maven reactor at two different paths, and
# checks that each jar has the same SHA-256 both times. Terraform publishes a new Lambda version (and
# SnapStart takes a new snapshot) whenever a jar's hash changes, so an unchanged source must give an
# unchanged jar.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/check-reproducible-jar.sh [-h] [--keep]

Copies the Maven reactor (pom.xml, mvnw, .mvn and the modules; no target/) into two temporary
directories, builds the deployable jars with `mvnw -B -q -Dmaven.test.skip=true package` in each, one after the
other, and compares the SHA-256 of each jar of the two builds: lambda/worker/target/callback-worker.jar,
lambda/approval/target/callback-approval.jar and examples/order-processor/target/order-processor.jar. The second build reuses the Maven repository the first
one filled (~/.m2); nothing else is shared.
  --keep   keep the temporary directories (their paths are printed) to compare the jars yourself

Exit code 0 when the jars are identical, 1 when they differ or a build fails, 2 on a usage error.
Both builds use the same JDK (found as scripts/lib/java.sh finds it: >= 21); the manifest names
its major version, so jars built with different JDKs differ. Needs sha256sum (coreutils).
USAGE
}

keep=0
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    --keep) keep=1 ;;
    *) echo "check-reproducible-jar: unknown argument $arg" >&2; usage >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/java.sh
source "$root/scripts/lib/java.sh"
require_java21
if ! command -v sha256sum > /dev/null 2>&1; then
  echo "check-reproducible-jar: sha256sum is required (GNU coreutils; Debian: apt-get install coreutils)" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/reproducible-jar.XXXXXX")"
cleanup() {
  if [ "$keep" -eq 1 ]; then
    echo "check-reproducible-jar: kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# The deployed jars, relative to the reactor.
jars=(lambda/worker/target/callback-worker.jar lambda/approval/target/callback-approval.jar
  examples/order-processor/target/order-processor.jar)

build() {
  local name="$1" dir="$work/$1" started=$SECONDS
  mkdir -p "$dir"
  # The whole reactor (Maven reads every module's pom even when it builds a few), without build output.
  tar -C "$root" --exclude=target -cf - pom.xml mvnw .mvn lambda examples local | tar -C "$dir" -xf -
  echo "check-reproducible-jar: build $name in $dir ..."
  if ! "$dir/mvnw" -B -q -f "$dir/pom.xml" -Dmaven.test.skip=true package -pl lambda/worker,lambda/approval,examples/order-processor -am \
      > "$work/$name.log" 2>&1; then
    echo "check-reproducible-jar: build $name failed; its output:" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
  echo "check-reproducible-jar: build $name done in $((SECONDS - started))s"
}

build first
build second

failed=0
for jar in "${jars[@]}"; do
  first_sum="$(sha256sum "$work/first/$jar" | cut -d' ' -f1)"
  second_sum="$(sha256sum "$work/second/$jar" | cut -d' ' -f1)"
  echo "check-reproducible-jar: $jar"
  echo "  first  $first_sum"
  echo "  second $second_sum"
  if [ "$first_sum" != "$second_sum" ]; then
    echo "check-reproducible-jar: FAILED: two builds of the same sources gave different $jar" >&2
    failed=1
  fi
done
if [ "$failed" -ne 0 ]; then
  echo "  (run with --keep, then compare: unzip -lv on both jars shows which entries differ)" >&2
  exit 1
fi
echo "check-reproducible-jar: OK: every jar is reproducible"
