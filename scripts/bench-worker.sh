#!/usr/bin/env bash
# Benchmarks the functions: deployment package sizes, simulated cold starts (the worker's, and the
# approval functions' without and after their SnapStart priming) and the worker's batch concurrency,
# each as a ratio against a baseline measured in the same run. See docs/benchmarks.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/bench-worker.sh [--quick] [--update-docs] [--runs N]

Builds the worker twice (lean, and with the SDK's default HTTP clients as the baseline) and the
approval functions' jar, then measures them in fresh JVMs against a local endpoint that answers as
Step Functions, DynamoDB and SNS do. Fails when the worker jar is over its 5.75 MiB goal.

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

# The jars are copied out as soon as they are built: the same checkout may be building again.
echo "==> building the worker's baseline jar (SDK default HTTP clients)" >&2
(cd "$root" && ./mvnw -q -B -P default-http-clients package -DskipTests -pl lambda/worker -am)
cp "$root/lambda/worker/target/callback-worker-default-clients.jar" "$work/baseline.jar"
echo "==> building the deployed jars (worker, approval functions)" >&2
(cd "$root" && ./mvnw -q -B package -DskipTests -pl lambda/worker,lambda/approval -am)
cp "$root/lambda/worker/target/callback-worker.jar" "$work/callback-worker.jar"
cp "$root/lambda/approval/target/callback-approval.jar" "$work/callback-approval.jar"

echo "==> compiling the probes" >&2
mkdir -p "$work/probe" "$work/approval-probe"
"$JAVA_HOME/bin/javac" -d "$work/probe" -cp "$work/callback-worker.jar" "$root/scripts/bench/ColdStartProbe.java"
"$JAVA_HOME/bin/javac" -d "$work/approval-probe" -cp "$work/callback-approval.jar" "$root/scripts/bench/ApprovalColdStartProbe.java"

echo "==> measuring (this takes a few minutes)" >&2
"$JAVA_HOME/bin/java" "$root/scripts/bench/WorkerBenchmark.java" \
  --lean-jar "$work/callback-worker.jar" \
  --baseline-jar "$work/baseline.jar" \
  --probe-classes "$work/probe" \
  --approval-jar "$work/callback-approval.jar" \
  --approval-probe-classes "$work/approval-probe" \
  --java "$JAVA_HOME/bin/java" \
  --runs "$runs" --batch-rounds "$rounds" ${quick[@]+"${quick[@]}"} ${update[@]+"${update[@]}"}
