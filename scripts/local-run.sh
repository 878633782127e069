#!/usr/bin/env bash
# Runs the whole callback loop on this machine, without an AWS account: SQS (ElasticMQ), a Step Functions
# endpoint with the project's state machine, and the worker jar behind a local SQS event source mapping,
# all in one JVM on 127.0.0.1. Builds the worker jar and the local stack first when they are missing or stale.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/local-run.sh [--once] [--ready-file PATH] [--sfn-port N] [--sqs-port N] [timing flags...]

Starts the local stack, runs one demo execution, prints the endpoints and the AWS CLI commands to try,
and stays up until Ctrl-C.
  --once              run the demo execution and exit with its status (0 = SUCCEEDED)
  --ready-file PATH   write the endpoints and ARNs as JSON to PATH once the stack is ready
  --sfn-port N        Step Functions endpoint port (default 8083; 0 = a free port)
  --sqs-port N        SQS endpoint port (default 9324; 0 = a free port)
Every Terraform timing has a flag named after its variable (--task-heartbeat-seconds 3, ...).
The full list: scripts/local-run.sh --help-all
Needs: a JDK 21 or newer (JAVA_HOME, or java on PATH). Nothing else: Maven comes with lambda/mvnw.
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# shellcheck source=scripts/lib/java.sh
source "$root/scripts/lib/java.sh"
require_java21
mvnw="$root/lambda/mvnw"
# Pekko (inside ElasticMQ) uses sun.misc.Unsafe too; allow it quietly in the stack's own JVM.
unsafe_flag=()
if (( JAVA_MAJOR >= 23 )); then
  unsafe_flag=(--sun-misc-unsafe-memory-access=allow)
fi

# Rebuilds when the output is missing or any input is newer than it.
stale() {
  local output="$1"; shift
  [[ ! -e "$output" ]] && return 0
  [[ -n "$(find "$@" -newer "$output" -type f -print -quit)" ]]
}

worker_jar="$root/lambda/target/callback-worker.jar"
if stale "$worker_jar" "$root/lambda/pom.xml" "$root/lambda/src/main"; then
  echo "[local-run] building the worker jar (lambda/target/callback-worker.jar)..."
  "$mvnw" -q -f "$root/lambda/pom.xml" package -DskipTests
fi

classpath_file="$root/local/target/runtime-classpath.txt"
if stale "$classpath_file" "$root/local/pom.xml" "$root/local/src/main"; then
  echo "[local-run] building the local stack (local/)..."
  "$mvnw" -q -f "$root/local/pom.xml" package -DskipTests
fi

main_class=io.sfncallback.local.LocalStackMain
args=("$@")
if [[ "${1:-}" == "--help-all" ]]; then
  args=(--help)
elif [[ "${1:-}" == "--bench-load" ]]; then
  # Used by scripts/bench-local-load.sh: the same build and JVM, the load run instead of the demo.
  main_class=io.sfncallback.local.load.LoadRunMain
  args=("${@:2}")
elif [[ "${1:-}" == "--bench-burst" ]]; then
  # Used by scripts/bench-local-burst.sh: a burst above the worker's in-flight capacity.
  main_class=io.sfncallback.local.load.BurstRunMain
  args=("${@:2}")
fi

# More pooled HTTP connections per endpoint than the JDK's 5: the SDK clients here talk to two local endpoints.
jvm_flags=(-Drepo.root="$root" -Dhttp.maxConnections=64 "${unsafe_flag[@]}")

echo "[local-run] starting with $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
exec "$JAVA_HOME/bin/java" "${jvm_flags[@]}" \
  -cp "$root/local/target/classes:$(cat "$classpath_file")" \
  "$main_class" "${args[@]}"
