#!/usr/bin/env bash
# Benchmarks the worker: deployment package size, simulated cold start and batch concurrency,
# each as a ratio against a baseline measured in the same run. See docs/benchmarks.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/bench-worker.sh [--quick] [--update-docs] [--runs N]

Builds the worker twice (lean, and with the SDK's default HTTP clients as the baseline), then
measures both in fresh JVMs against a local Step Functions endpoint.

  --quick        5 cold starts per variant and 10 batches instead of 15 and 30
  --runs N       cold starts per variant (default 15)
  --update-docs  write the results into docs/benchmarks.md (between the worker-bench markers)
  -h, --help     this help

Needs a JDK >= 21 (JAVA_HOME, or the Temurin 25 under /usr/lib/jvm on the project's machines).
USAGE
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=15
rounds=30
quick=()
update=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --quick) runs=5; rounds=10; quick=(--quick); shift ;;
    --runs) runs="$2"; shift 2 ;;
    --update-docs) update=(--update-docs "$root/docs/benchmarks.md"); shift ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# shellcheck source=scripts/lib/java.sh
source "$root/scripts/lib/java.sh"
require_java21

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "==> building the baseline jar (SDK default HTTP clients)" >&2
(cd "$root/lambda" && ./mvnw -q -B -P default-http-clients package -DskipTests)
cp "$root/lambda/target/callback-worker-default-clients.jar" "$work/baseline.jar"
echo "==> building the lean jar" >&2
(cd "$root/lambda" && ./mvnw -q -B package -DskipTests)

echo "==> compiling the probe" >&2
mkdir -p "$work/probe"
"$JAVA_HOME/bin/javac" -d "$work/probe" -cp "$root/lambda/target/callback-worker.jar" "$root/scripts/bench/ColdStartProbe.java"

echo "==> measuring (this takes a minute or two)" >&2
"$JAVA_HOME/bin/java" "$root/scripts/bench/WorkerBenchmark.java" \
  --lean-jar "$root/lambda/target/callback-worker.jar" \
  --baseline-jar "$work/baseline.jar" \
  --probe-classes "$work/probe" \
  --java "$JAVA_HOME/bin/java" \
  --runs "$runs" --batch-rounds "$rounds" ${quick[@]+"${quick[@]}"} ${update[@]+"${update[@]}"}
