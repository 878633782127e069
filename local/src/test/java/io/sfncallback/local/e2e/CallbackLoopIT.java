package io.sfncallback.local.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.sfncallback.testkit.CallbackLedger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole loop with the real worker jar: Step Functions endpoint → SQS → event source mapping → worker →
 * SendTask* → execution result, for every path of the demo processor. Timings are shrunk to seconds, but success
 * paths keep a generous HeartbeatSeconds (the first heartbeat can come seconds late on a busy 2-core machine: queue
 * wait, a cold environment's init, then one heartbeat interval); only the timeout tests use short ones.
 */
class CallbackLoopIT {

    /** The project state machine's HeartbeatSeconds for the success paths: generous. */
    private static final int HEARTBEAT_SECONDS = 10;
    /** HeartbeatSeconds of the machines whose tasks are meant to time out. */
    private static final int SHORT_HEARTBEAT_SECONDS = 3;
    private static final int MAX_RECEIVE_COUNT = 3;
    private static final Duration WAIT = Duration.ofSeconds(45);

    private static final CapturingLog log = new CapturingLog();
    private static LocalStack stack;
    private static SfnClient sfn;
    private static SqsClient sqs;

    @BeforeAll
    static void startStack() throws Exception {
        LocalStackConfig.Builder config = LocalStackConfig.builder(TerraformDefaults.load(), Definitions.repoRoot());
        config.sfnPort = 0;
        config.sqsPort = 0;
        config.approvalPort = 0;
        config.workerJar = FunctionJars.worker();
        config.namePrefix = "e2e";
        config.maxReceiveCount = MAX_RECEIVE_COUNT;
        // Longer than any demo task here (the slowest works 25 s): a function timeout would fail its batch.
        config.lambdaTimeoutSeconds = 40;
        config.taskHeartbeatSeconds = HEARTBEAT_SECONDS;
        config.taskTimeoutSeconds = 60;
        config.heartbeatIntervalSeconds = 1;
        config.retryDelaySeconds = 1;
        config.pollWaitSeconds = 1;
        stack = LocalStack.start(config.build(), log, message -> System.out.println("[stack] " + message));
        sfn = SfnClients.local(stack.sfnEndpoint());
        sqs = LocalStack.sqsClient(stack.sqsEndpoint(), stack.config().region());
    }

    @AfterAll
    static void stopStack() {
        if (sfn != null) {
            sfn.close();
            sqs.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static DescribeExecutionResponse run(String machineArn, String input) {
        String arn = sfn.startExecution(b -> b.stateMachineArn(machineArn).input(input)).executionArn();
        return SfnClients.awaitEnd(sfn, arn, WAIT);
    }

    private static DescribeExecutionResponse run(String input) {
        return run(stack.stateMachineArn(), input);
    }

    private static JsonObject result(DescribeExecutionResponse execution) {
        return Json.parse(execution.output()).getAsJsonObject().getAsJsonObject("result");
    }

    /** The task's scheduled event, once the execution (which starts asynchronously) has got that far. */
    private static HistoryEvent scheduled(String executionArn) {
        return Await.value(WAIT, "the task of " + executionArn + " to be scheduled", () -> SfnClients
                .history(sfn, executionArn).stream()
                .filter(event -> event.type() == HistoryEventType.TASK_SCHEDULED).findFirst().orElse(null));
    }

    private static String token(String executionArn) {
        return Json.parse(scheduled(executionArn).taskScheduledEventDetails().parameters()).getAsJsonObject()
                .getAsJsonObject("MessageBody").get("TaskToken").getAsString();
    }

    private static String fingerprint(String token) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest).substring(0, 12);
    }

    @Test
    void aTaskTheProcessorCompletesSucceedsWithItsResult() {
        DescribeExecutionResponse execution = run("{\"mode\":\"succeed\",\"order\":1}");
        assertEquals(ExecutionStatus.SUCCEEDED, execution.status());
        assertEquals("done", result(execution).get("status").getAsString());
        assertEquals(1, result(execution).getAsJsonObject("echo").get("order").getAsInt());
        assertEquals(1, result(execution).get("attempt").getAsInt());
    }

    @Test
    void aRejectedTaskFailsWithTheProcessorsErrorAndCause() {
        DescribeExecutionResponse execution = run("{\"mode\":\"reject\",\"error\":\"Demo.OutOfStock\",\"reason\":\"no stock\"}");
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Demo.OutOfStock", execution.error());
        assertEquals("no stock", execution.cause());
    }

    /** A project state machine on the same queue with other timings. */
    private static String projectMachine(String name, int heartbeatSeconds, int timeoutSeconds) {
        return sfn.createStateMachine(b -> b.name(name)
                .definition(Definitions.project(heartbeatSeconds, timeoutSeconds).replace(Definitions.QUEUE_URL,
                        stack.queues().tasksQueueUrl()))
                .roleArn("arn:aws:iam::123456789012:role/local")).stateMachineArn();
    }

    @Test
    void heartbeatsKeepATaskAliveLongerThanHeartbeatSeconds() {
        // Work for twice HeartbeatSeconds (10 s) with a heartbeat every second: only heartbeats keep it alive.
        String arn = sfn.startExecution(b -> b.stateMachineArn(stack.stateMachineArn())
                .input("{\"mode\":\"slow\",\"seconds\":" + (2 * HEARTBEAT_SECONDS) + "}")).executionArn();
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, arn, Duration.ofSeconds(90));
        assertEquals(ExecutionStatus.SUCCEEDED, execution.status(), execution.error() + " " + execution.cause());
        CallbackLedger.Counts counts = stack.callbacks().snapshot().get(token(arn));
        assertTrue(counts.heartbeats() >= HEARTBEAT_SECONDS, "heartbeats: " + counts);
        assertTrue(Duration.between(execution.startDate(), execution.stopDate()).toSeconds() >= 2L * HEARTBEAT_SECONDS);
    }

    @Test
    void aWorkerThatStopsHeartbeatingFailsTheExecutionWithTaskNoHeartbeat() throws Exception {
        String machine = projectMachine("e2e-short-heartbeat", SHORT_HEARTBEAT_SECONDS, 600);
        String arn = sfn.startExecution(b -> b.stateMachineArn(machine)
                .input("{\"mode\":\"hang\",\"seconds\":" + (SHORT_HEARTBEAT_SECONDS + 5) + "}")).executionArn();
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, arn, WAIT);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Task.NoHeartbeat", execution.error());
        HistoryEvent timedOut = SfnClients.history(sfn, arn).stream()
                .filter(event -> event.type() == HistoryEventType.TASK_TIMED_OUT).findFirst().orElseThrow();
        assertEquals("States.Timeout", timedOut.taskTimedOutEventDetails().error());
        String fingerprint = fingerprint(token(arn));
        Await.until(WAIT, "the worker's late answer logged as a closed task", () -> log.lines().stream()
                .anyMatch(line -> line.level().equals("WARN") && line.text().contains(fingerprint)
                        && line.text().contains("TASK_CLOSED")));
    }

    @Test
    void aTaskSlowerThanTimeoutSecondsFailsWithTaskTookTooLongDespiteHeartbeats() {
        // HeartbeatSeconds 8 against a heartbeat every second: only TimeoutSeconds (10) can end the task.
        String machine = projectMachine("e2e-short-timeout", 8, 10);
        DescribeExecutionResponse execution = run(machine, "{\"mode\":\"slow\",\"seconds\":25}");
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Task.TookTooLong", execution.error(), execution.cause());
    }

    /**
     * A lambda:invoke.waitForTaskToken task calling a function registered with the stack: the function gets the
     * Payload with the token, and a later SendTaskSuccess completes the task (the wiring the approval flow uses).
     */
    @Test
    void aRegisteredFunctionReceivesThePayloadAndItsCallbackCompletesTheTask() {
        java.util.concurrent.BlockingQueue<JsonObject> received = new java.util.concurrent.LinkedBlockingQueue<>();
        stack.register("e2e-approval-request", payload -> {
            received.add(payload.getAsJsonObject());
            return null;
        });
        String machine = sfn.createStateMachine(b -> b.name("e2e-lambda-wait").definition("""
                {"StartAt":"WaitForApproval","States":{"WaitForApproval":{"Type":"Task",
                  "Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
                  "Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:e2e-approval-request:live",
                    "Payload":{"TaskToken.$":"$$.Task.Token","ExecutionArn.$":"$$.Execution.Id","Request.$":"$.request"}},
                  "TimeoutSeconds":600,"ResultPath":"$.approval","End":true}}}""")
                .roleArn("arn:aws:iam::123456789012:role/local")).stateMachineArn();
        String arn = sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"request\":{\"summary\":\"buy\"}}"))
                .executionArn();
        JsonObject payload = Await.value(WAIT, "the function's invocation", received::poll);
        assertEquals(arn, payload.get("ExecutionArn").getAsString());
        assertEquals("buy", payload.getAsJsonObject("Request").get("summary").getAsString());
        sfn.sendTaskSuccess(b -> b.taskToken(payload.get("TaskToken").getAsString()).output("{\"approved\":true}"));
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, arn, WAIT);
        assertEquals(ExecutionStatus.SUCCEEDED, execution.status());
        assertEquals(Json.parse("{\"request\":{\"summary\":\"buy\"},\"approval\":{\"approved\":true}}"),
                Json.parse(execution.output()));
    }

    @Test
    void aProcessorThatThrowsFailsWithWorkerUnhandledKeepingTheCause() {
        DescribeExecutionResponse execution = run("{\"mode\":\"crash\"}");
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Worker.Unhandled", execution.error());
        assertTrue(execution.cause().contains("IllegalStateException"), execution.cause());
        assertTrue(execution.cause().contains("demo crash requested"), execution.cause());
    }

    @Test
    void aTransientFailureIsRetriedThroughSqsAndThenSucceeds() {
        DescribeExecutionResponse execution = run("{\"mode\":\"retry\",\"succeedOnAttempt\":2}");
        assertEquals(ExecutionStatus.SUCCEEDED, execution.status(), execution.error() + " " + execution.cause());
        assertEquals(2, result(execution).get("attempt").getAsInt());
    }

    @Test
    void retriesThatNeverSucceedEndWithWorkerRetriesExhaustedOnTheLastReceive() {
        DescribeExecutionResponse execution = run("{\"mode\":\"retry\"}");
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Worker.RetriesExhausted", execution.error());
    }

    @Test
    void aPoisonMessageGoesToTheDeadLetterQueueWhileItsBatchMatesComplete() {
        String body = "this is not JSON " + System.nanoTime();
        sqs.sendMessage(b -> b.queueUrl(stack.queues().tasksQueueUrl()).messageBody(body));
        List<String> arns = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            arns.add(sfn.startExecution(b -> b.stateMachineArn(stack.stateMachineArn())
                    .input("{\"mode\":\"succeed\",\"mate\":" + n + "}")).executionArn());
        }
        for (String arn : arns) {
            assertEquals(ExecutionStatus.SUCCEEDED, SfnClients.awaitEnd(sfn, arn, WAIT).status());
        }
        Message deadLetter = Await.value(WAIT, "the poison message in the DLQ", () -> sqs.receiveMessage(b -> b
                .queueUrl(stack.queues().deadLetterQueueUrl()).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                .messages().stream().filter(message -> message.body().equals(body)).findFirst().orElse(null));
        assertEquals(body, deadLetter.body());
        assertEquals(0, visibleAndInFlight(stack.queues().tasksQueueUrl()));
    }

    /**
     * A second delivery of the same task message: the task completes once. The duplicate ends either refused
     * (its callback is answered TaskTimedOut / TaskDoesNotExist: TASK_CLOSED) or, when a heartbeat finds the task
     * closed while it works, ABANDONED without calling back; either way with one warning and no error, and both
     * deliveries are deleted.
     */
    @Test
    void aDuplicateDeliveryCompletesTheTaskOnceAndEndsAsAClosedTaskWarning() throws Exception {
        String arn = sfn.startExecution(b -> b.stateMachineArn(stack.stateMachineArn())
                .input("{\"mode\":\"slow\",\"seconds\":2}")).executionArn();
        String token = token(arn);
        HistoryEvent scheduled = scheduled(arn);
        String sameBody = Json.write(Json.parse(scheduled.taskScheduledEventDetails().parameters())
                .getAsJsonObject().get("MessageBody"));
        sqs.sendMessage(b -> b.queueUrl(stack.queues().tasksQueueUrl()).messageBody(sameBody));

        assertEquals(ExecutionStatus.SUCCEEDED, SfnClients.awaitEnd(sfn, arn, WAIT).status());
        String fingerprint = fingerprint(token);
        Await.until(WAIT, "the duplicate logged as a closed or abandoned task", () -> closedWarnings(fingerprint) >= 1);
        Await.until(WAIT, "both deliveries deleted", () -> visibleAndInFlight(stack.queues().tasksQueueUrl()) == 0);
        CallbackLedger.Counts counts = stack.callbacks().snapshot().get(token);
        assertEquals(1, counts.acceptedCompletions(), counts.toString());
        assertTrue(counts.completions() == 1 || counts.completions() == 2, counts.toString());
        assertEquals(1, closedWarnings(fingerprint), "one warning for the duplicate");
        assertFalse(log.lines().stream().anyMatch(line -> line.text().contains(fingerprint)
                && line.level().equals("ERROR")));
    }

    private static long closedWarnings(String fingerprint) {
        return log.lines().stream().filter(line -> line.level().equals("WARN") && line.text().contains(fingerprint)
                && (line.text().contains("\"TASK_CLOSED\"") || line.text().contains("\"ABANDONED\""))).count();
    }

    private static int visibleAndInFlight(String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }
}
