#!/usr/bin/env bash
# Builds the worker jar twice, from clean copies of lambda/ at two different paths, and checks that
# both jars have the same SHA-256. Terraform publishes a new Lambda version (and SnapStart takes a
# new snapshot) whenever the jar's hash changes, so an unchanged source must give an unchanged jar.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/check-reproducible-jar.sh [-h] [--keep]

Copies lambda/ (without target/) into two temporary directories, runs
`mvnw -B -q -DskipTests package` in each, one after the other, and compares the SHA-256 of the two
target/callback-worker.jar files. The second build reuses the Maven repository the first one
filled (~/.m2); nothing else is shared.
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

build() {
  local name="$1" dir="$work/$1/lambda" started=$SECONDS
  mkdir -p "$dir"
  tar -C "$root/lambda" --exclude=./target -cf - . | tar -C "$dir" -xf -
  echo "check-reproducible-jar: build $name in $dir ..."
  if ! "$dir/mvnw" -B -q -f "$dir/pom.xml" -DskipTests package > "$work/$name.log" 2>&1; then
    echo "check-reproducible-jar: build $name failed; its output:" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
  echo "check-reproducible-jar: build $name done in $((SECONDS - started))s"
}

build first
build second

first_sum="$(sha256sum "$work/first/lambda/target/callback-worker.jar" | cut -d' ' -f1)"
second_sum="$(sha256sum "$work/second/lambda/target/callback-worker.jar" | cut -d' ' -f1)"
echo "check-reproducible-jar: first  $first_sum"
echo "check-reproducible-jar: second $second_sum"
if [ "$first_sum" != "$second_sum" ]; then
  echo "check-reproducible-jar: FAILED: two builds of the same sources gave different jars" >&2
  echo "  (run with --keep, then compare: unzip -lv on both jars shows which entries differ)" >&2
  exit 1
fi
echo "check-reproducible-jar: OK: the jar is reproducible"
