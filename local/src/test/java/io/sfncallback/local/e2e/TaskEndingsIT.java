package io.sfncallback.local.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import io.sfncallback.local.LocalStack;
import io.sfncallback.local.config.LocalStackConfig;
import io.sfncallback.local.config.TerraformDefaults;
import io.sfncallback.local.json.Json;
import io.sfncallback.local.support.Await;
import io.sfncallback.local.support.CapturingLog;
import io.sfncallback.local.support.Definitions;
import io.sfncallback.local.support.FunctionJars;
import io.sfncallback.local.support.SfnClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Every way a caller can end a task, sent as an operator sends it (the AWS CLI v2, {@code /usr/bin/aws}, and
 * {@code scripts/finish-task.sh}) through the local stack running the project's real definition with approval on,
 * for the worker's task and the approval task. SendTaskFailure's {@code error} (0..256 characters) and {@code cause}
 * (0..32,768) are both optional (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html);
 * the definition turns each combination into an ending that keeps the caller's words: a Choice on {@code IsString}
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html) before Fail states whose ErrorPath/CausePath
 * "must select a field that contains a string value" (https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html).
 * Without the AWS CLI v2 the tests are skipped with a message, except with {@code CI=true}, where they fail.
 */
class TaskEndingsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path AWS_CLI = Path.of(System.getenv().getOrDefault("AWS_CLI", "/usr/bin/aws"));
    private static final String LONGEST_ERROR = "Operator." + "e".repeat(256 - "Operator.".length());
    private static final String LONGEST_CAUSE = "c".repeat(32_768 - 4) + "-end";
    private static final String NON_ASCII_ERROR = "Zahlung.Abgelehnt-äöü-東京";
    private static final String NON_ASCII_CAUSE = "Karte abgelaufen — «réessayer» 東京 🚀 \"quoted\" \\ back\nsecond line";

    private static final CapturingLog log = new CapturingLog();
    private static LocalStack stack;
    private static SfnClient sfn;
    private static JsonObject states;

    /** One ending: what the caller sends (null = left out) and what the execution must end with. */
    private record Ending(String name, String error, String cause, String wantError, String wantCause, String failState) {
    }

    /** Where a task waits: the worker's task or the approval task. */
    private enum Waiting {
        WORKER("WaitForWorker", "{\"mode\":\"slow\",\"seconds\":600}", "WorkerFailed", "WorkerFailedWithoutCause",
                "TaskFailedWithoutError", "TaskFailedWithoutReason"),
        APPROVAL("WaitForApproval", "{\"mode\":\"approval\",\"summary\":\"Order 42: 3 laptops\"}", "NotApproved",
                "NotApprovedWithoutCause", "ApprovalFailedWithoutError", "ApprovalFailedWithoutReason");

        final String taskState;
        final String input;
        final String both;
        final String errorOnly;
        final String causeOnly;
        final String neither;

        Waiting(String taskState, String input, String both, String errorOnly, String causeOnly, String neither) {
            this.taskState = taskState;
            this.input = input;
            this.both = both;
            this.errorOnly = errorOnly;
            this.causeOnly = causeOnly;
            this.neither = neither;
        }

        List<Ending> endings() {
            String neitherCause = states.getAsJsonObject(neither).get("Cause").getAsString();
            return List.of(
                    new Ending("error only", "Payment.Declined", null, "Payment.Declined", null, errorOnly),
                    new Ending("cause only", null, "card expired", "Task.Failed", "card expired", causeOnly),
                    new Ending("neither", null, null, "Task.Failed", neitherCause, neither),
                    new Ending("both", "Payment.Declined", "card expired", "Payment.Declined", "card expired", both),
                    new Ending("longest error and cause", LONGEST_ERROR, LONGEST_CAUSE, LONGEST_ERROR, LONGEST_CAUSE,
                            both),
                    new Ending("non-ASCII error and cause", NON_ASCII_ERROR, NON_ASCII_CAUSE, NON_ASCII_ERROR,
                            NON_ASCII_CAUSE, both));
        }
    }

    @BeforeAll
    static void startStack() throws Exception {
        String version = cliVersion();
        if (!version.startsWith("aws-cli/2.")) {
            String missing = "the AWS CLI v2 at " + AWS_CLI + " (found: " + version + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI must run the task endings tests, and " + missing + " (.ci/run installs awscli)");
            }
            Assumptions.abort("skipped: these tests need " + missing + "; Debian: apt-get install awscli");
        }
        LocalStackConfig.Builder config = LocalStackConfig.builder(TerraformDefaults.load(), Definitions.repoRoot());
        config.sfnPort = 0;
        config.sqsPort = 0;
        config.approvalPort = 0;
        config.workerJar = FunctionJars.worker();
        config.approvalJar = FunctionJars.approval();
        config.approvalEnabled = true;
        config.namePrefix = "endings";
        config.approverEmails = List.of("alice@example.com");
        config.approvalTimeoutSeconds = 3600;
        // The worker's tasks work ("slow") and send heartbeats until the caller ends them: nothing times out here.
        config.lambdaTimeoutSeconds = 900;
        config.taskHeartbeatSeconds = 30;
        config.taskTimeoutSeconds = 1800;
        config.heartbeatIntervalSeconds = 1;
        config.retryDelaySeconds = 1;
        config.pollWaitSeconds = 1;
        stack = LocalStack.start(config.build(), log, message -> System.out.println("[stack] " + message));
        sfn = SfnClients.local(stack.sfnEndpoint());
        String definition = sfn.describeStateMachine(b -> b.stateMachineArn(stack.stateMachineArn())).definition();
        states = Json.parse(definition).getAsJsonObject().getAsJsonObject("States");
    }

    @AfterAll
    static void stopStack() {
        if (sfn != null) {
            sfn.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static String cliVersion() {
        if (!Files.isExecutable(AWS_CLI)) {
            return "nothing";
        }
        try {
            Process process = new ProcessBuilder(AWS_CLI.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor();
            return out;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    /** What a command printed and its exit code. */
    private record Run(int code, String output) {
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_REGION", stack.config().region());
        env.put("AWS_ENDPOINT_URL", stack.sfnEndpoint());
        env.put("AWS_CLI", AWS_CLI.toString());
        env.put("AWS_CLI_FILE_ENCODING", "UTF-8");
        env.put("AWS_PAGER", "");
        env.put("LC_ALL", "C.UTF-8");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), output);
    }

    private static String start(String input) {
        return sfn.startExecution(b -> b.stateMachineArn(stack.stateMachineArn()).input(input)).executionArn();
    }

    /** The token of the task the execution waits on in {@code taskState}, once that task has been submitted. */
    private static String waitingToken(String executionArn, String taskState) {
        return Await.value(WAIT, executionArn + " to wait in " + taskState, () -> {
            String state = null;
            String token = null;
            for (HistoryEvent event : SfnClients.history(sfn, executionArn)) {
                if (event.stateEnteredEventDetails() != null) {
                    state = event.stateEnteredEventDetails().name();
                }
                if (event.type() == HistoryEventType.TASK_SCHEDULED && taskState.equals(state)) {
                    JsonObject parameters = Json.parse(event.taskScheduledEventDetails().parameters()).getAsJsonObject();
                    JsonObject body = parameters.has("MessageBody") ? parameters.getAsJsonObject("MessageBody")
                            : parameters.getAsJsonObject("Payload");
                    token = body.get("TaskToken").getAsString();
                }
                if (event.type() == HistoryEventType.TASK_SUBMITTED && token != null) {
                    return token;
                }
            }
            return null;
        });
    }

    private static String finalFailState(String executionArn) {
        return SfnClients.history(sfn, executionArn).stream()
                .filter(event -> event.type() == HistoryEventType.FAIL_STATE_ENTERED)
                .map(event -> event.stateEnteredEventDetails().name()).findFirst().orElse(null);
    }

    /** The AWS CLI's send-task-failure with the ending's error and cause, each as a file:// when given. */
    private static Run sendTaskFailure(String token, Ending ending, Path dir) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(AWS_CLI.toString(), "--endpoint-url", stack.sfnEndpoint(),
                "stepfunctions", "send-task-failure", "--task-token", token));
        if (ending.error() != null) {
            Path file = Files.writeString(Files.createTempFile(dir, "error", ".txt"), ending.error());
            command.addAll(List.of("--error", "file://" + file));
        }
        if (ending.cause() != null) {
            Path file = Files.writeString(Files.createTempFile(dir, "cause", ".txt"), ending.cause());
            command.addAll(List.of("--cause", "file://" + file));
        }
        return run(command);
    }

    /**
     * The whole matrix, both paths at once: every execution is started and brought to its waiting task, then every
     * failure is sent with the CLI, then every ending is checked (one CLI process per ending, several at a time).
     */
    @Test
    void everyEndingSentWithTheCliKeepsTheCallersErrorAndCause(@TempDir Path dir) throws Exception {
        Map<String, Ending> byExecution = new LinkedHashMap<>();
        Map<String, Waiting> pathOf = new LinkedHashMap<>();
        for (Waiting path : Waiting.values()) {
            for (Ending ending : path.endings()) {
                String arn = start(path.input);
                byExecution.put(arn, ending);
                pathOf.put(arn, path);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Map<String, Future<Run>> sent = new LinkedHashMap<>();
            for (Map.Entry<String, Ending> entry : byExecution.entrySet()) {
                String token = waitingToken(entry.getKey(), pathOf.get(entry.getKey()).taskState);
                sent.put(entry.getKey(), pool.submit(() -> sendTaskFailure(token, entry.getValue(), dir)));
            }
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, Ending> entry : byExecution.entrySet()) {
                String arn = entry.getKey();
                Ending ending = entry.getValue();
                String what = pathOf.get(arn) + " / " + ending.name();
                Run run = sent.get(arn).get();
                if (run.code() != 0) {
                    problems.add(what + ": the CLI exited " + run.code() + ": " + run.output());
                    continue;
                }
                DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, arn, WAIT);
                if (execution.status() != ExecutionStatus.FAILED || !ending.wantError().equals(execution.error())
                        || !Objects.equals(ending.wantCause(), execution.cause())
                        || !ending.failState().equals(finalFailState(arn))) {
                    problems.add(what + ": expected FAILED in " + ending.failState() + " with error '"
                            + abbreviate(ending.wantError()) + "' and cause '" + abbreviate(ending.wantCause())
                            + "', got " + execution.status() + " in " + finalFailState(arn) + " with error '"
                            + abbreviate(execution.error()) + "' and cause '" + abbreviate(execution.cause()) + "'");
                }
            }
            assertTrue(problems.isEmpty(), String.join("\n", problems));
        } finally {
            pool.shutdownNow();
        }
    }

    private static String abbreviate(String text) {
        return text == null ? null : text.length() <= 80 ? text : text.substring(0, 40) + "…(" + text.length()
                + " characters)…" + text.substring(text.length() - 20);
    }

    private static Run finishTask(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Definitions.repoRoot().resolve("scripts/finish-task.sh").toString()));
        command.addAll(List.of(arguments));
        return run(command);
    }

    @Test
    void finishTaskSucceedsTheWorkersTaskGivenOnlyTheExecutionArn() throws Exception {
        String arn = start("{\"mode\":\"slow\",\"seconds\":600,\"order\":7}");
        waitingToken(arn, Waiting.WORKER.taskState);
        Run heartbeat = finishTask("--execution-arn", arn, "--heartbeat");
        assertEquals(0, heartbeat.code(), heartbeat.output());
        assertTrue(heartbeat.output().contains("waiting in state 'WaitForWorker'"), heartbeat.output());
        assertTrue(heartbeat.output().contains("sent SendTaskHeartbeat"), heartbeat.output());
        assertEquals(ExecutionStatus.RUNNING, sfn.describeExecution(b -> b.executionArn(arn)).status());

        Run success = finishTask("--execution-arn", arn, "--succeed", "--output", "{\"status\":\"done\",\"by\":\"operator\"}");
        assertEquals(0, success.code(), success.output());
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, arn, WAIT);
        assertEquals(ExecutionStatus.SUCCEEDED, execution.status(), execution.error() + " " + execution.cause());
        JsonObject output = Json.parse(execution.output()).getAsJsonObject();
        assertEquals("operator", output.getAsJsonObject("result").get("by").getAsString());
        assertEquals(7, output.get("order").getAsInt());

        Run refused = finishTask("--execution-arn", arn, "--fail", "--error", "Too.Late");
        assertEquals(1, refused.code(), refused.output());
        assertTrue(refused.output().contains("is SUCCEEDED, not RUNNING: no task is waiting, nothing was sent"),
                refused.output());
    }

    @Test
    void finishTaskFailsTheApprovalTaskWithTheOperatorsWords(@TempDir Path dir) throws Exception {
        String arn = start(Waiting.APPROVAL.input);
        String token = waitingToken(arn, Waiting.APPROVAL.taskState);
        Path cause = Files.writeString(dir.resolve("cause.txt"), NON_ASCII_CAUSE);
        Run failure = finishTask("--execution-arn", arn, "--fail", "--error", "Approval.Rejected", "--cause-file",
                cause.toString());
        assertEquals(0, failure.code(), failure.output());
        assertTrue(failure.output().contains("waiting in state 'WaitForApproval'"), failure.output());
        assertTrue(!failure.output().contains(token), "the token is never printed: " + failure.output());
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, arn, WAIT);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Approval.Rejected", execution.error());
        assertEquals(NON_ASCII_CAUSE, execution.cause());
        assertEquals("NotApproved", finalFailState(arn));
    }
}
