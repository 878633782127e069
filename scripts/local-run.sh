#!/usr/bin/env bash
# Runs the whole callback loop on this machine, without an AWS account: SQS (ElasticMQ), a Step Functions
# endpoint with the project's state machine, the worker jar behind a local SQS event source mapping, and the
# human-approval loop (DynamoDB Local, an outbox page instead of e-mail, the approval page), all in one JVM
# on 127.0.0.1. Builds the worker jar and the local stack first when they are missing or stale.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/local-run.sh [--once] [--ready-file PATH] [--sfn-port N] [--sqs-port N] [--approval-port N]
                           [--approver-emails A,B] [timing flags...]

Starts the local stack, runs one demo execution, prints the endpoints and the AWS CLI commands to try,
and stays up until Ctrl-C.
  --once                 run the demo execution and exit with its status (0 = SUCCEEDED)
  --ready-file PATH      write the endpoints and ARNs as JSON to PATH once the stack is ready
                         (outboxUrl and approvalEndpoint included)
  --sfn-port N           Step Functions endpoint port (default 8083; 0 = a free port)
  --sqs-port N           SQS endpoint port (default 9324; 0 = a free port)
  --approval-port N      approval pages and the outbox (default 8085; 0 = a free port)
  --approver-emails A,B  approvers (default approver@example.com; '' = none, as Terraform's default:
                         a run asking for approval then fails at once with Approval.NoApprovers)
Every Terraform timing has a flag named after its variable (--task-heartbeat-seconds 3,
--approval-timeout-seconds 60, ...).

Try the human approval: start an execution with the input
  {"mode":"approval","summary":"Order 42: 3 laptops for EUR 4,200"}
(the stack prints the AWS CLI command), open the outbox URL it prints, click the link in the
e-mail, approve or reject; describe-execution then shows the decision at $.approval (or
Approval.Rejected). --demo-input '{"mode":"approval","summary":"..."}' makes that the demo run.
The full list: scripts/local-run.sh --help-all
Needs: a JDK 21 or newer (JAVA_HOME, or java on PATH). Nothing else: Maven comes with ./mvnw.
USAGE
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# shellcheck source=scripts/lib/java.sh
source "$root/scripts/lib/java.sh"
require_java21
# Pekko (inside ElasticMQ) uses sun.misc.Unsafe too, and DynamoDB Local loads sqlite4java's native library;
# allow both quietly in the stack's own JVM.
unsafe_flag=()
if (( JAVA_MAJOR >= 22 )); then
  unsafe_flag+=(--enable-native-access=ALL-UNNAMED)
fi
if (( JAVA_MAJOR >= 23 )); then
  unsafe_flag+=(--sun-misc-unsafe-memory-access=allow)
fi

# Builds the function jars and the stack (./mvnw package, tests skipped) when their sources changed since
# the last build here, judged by content, not timestamps: a file moved with git keeps its old time.
inputs_hash() {
  (cd "$root" && find pom.xml .mvn lambda local examples \( -name target -prune \) -o -type f -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
stamp="$root/local/target/build-inputs.sha256"
classpath_file="$root/local/target/runtime-classpath.txt"
current="$(inputs_hash)"
if [[ ! -f "$classpath_file" || ! -f "$root/lambda/worker/target/callback-worker.jar" \
      || ! -f "$root/lambda/approval/target/callback-approval.jar" \
      || ! -f "$root/examples/order-processor/target/order-processor.jar" || "$(cat "$stamp" 2>/dev/null)" != "$current" ]]; then
  echo "[local-run] building the jars and the local stack (the first run here, or the sources changed since the last build)"
  "$root/scripts/build.sh" --local-stack
  echo "$current" > "$stamp"
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
# DynamoDB Local (the approvals table) finds sqlite4java's native library where the build copied it.
jvm_flags=(-Drepo.root="$root" -Dhttp.maxConnections=64 -Dsqlite4java.library.path="$root/local/target/sqlite4java-native"
  "${unsafe_flag[@]}")

echo "[local-run] starting with $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
exec "$JAVA_HOME/bin/java" "${jvm_flags[@]}" \
  -cp "$root/local/target/classes:$(cat "$classpath_file")" \
  "$main_class" "${args[@]}"
