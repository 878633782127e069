package io.sfncallback.worker.batch;

import static io.sfncallback.testkit.Messages.body;
import static io.sfncallback.testkit.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.callback.TokenFingerprint;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.worker.callback.HeartbeatScheduler;
import io.sfncallback.worker.message.TaskMessageParser;
import io.sfncallback.worker.payload.StateOutput;
import io.sfncallback.worker.processor.TaskContext;
import io.sfncallback.worker.processor.TaskProcessor;
import io.sfncallback.worker.processor.TaskResult;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidOutputException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.SendTaskFailureRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskHeartbeatRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/** One test (at least) per row of the outcome table in design.md. */
class RecordProcessorTest {

    private static final String TOKEN = "AAAAKgAAAAIAAAAAAAAAAT-the-task-token";

    private final SfnClient sfn = mock(SfnClient.class);
    private final ExecutorService sender = Executors.newCachedThreadPool();
    private final CapturingLogger logger = new CapturingLogger();
    /** By default no automatic heartbeat is ever due; tests of heartbeats switch to a real ticker. */
    private ScheduledExecutorService ticker = idleTicker();
    private Duration heartbeatInterval = Duration.ofHours(1);
    /** The deployment's approval_enabled; the approval tests switch it off. */
    private boolean approvalEnabled = true;

    @AfterEach
    void stopThreads() {
        ticker.shutdownNow();
        sender.shutdownNow();
    }

    private static ScheduledExecutorService idleTicker() {
        ScheduledExecutorService idle = mock(ScheduledExecutorService.class);
        when(idle.scheduleAtFixedRate(any(), anyLong(), anyLong(), any())).thenAnswer(i -> mock(ScheduledFuture.class));
        return idle;
    }

    private void realHeartbeatsEvery(Duration interval) {
        ticker = Executors.newSingleThreadScheduledExecutor();
        heartbeatInterval = interval;
    }

    private RecordOutcome process(TaskProcessor processor, String body, int receiveCount) {
        return process(processor, body, receiveCount, LogLevel.INFO);
    }

    /** What the batch does with one record: receive it, start it, process it, settle it, end its heartbeats. */
    private RecordOutcome process(TaskProcessor processor, String body, int receiveCount, LogLevel level) {
        TaskCallbacks callbacks = new TaskCallbacks(sfn);
        HeartbeatScheduler heartbeats = new HeartbeatScheduler(callbacks, ticker, sender, heartbeatInterval);
        Invocation invocation = new Invocation(Deadline.none(), new JsonLog(logger, level, "req-1", Clock.systemUTC()));
        TrackedRecord record = TrackedRecord.receive(message("m-1", body, receiveCount), new TaskMessageParser(), heartbeats, invocation);
        if (record.start()) {
            record.settle(new RecordProcessor(processor, callbacks, 5, approvalEnabled).process(record, invocation));
        }
        record.closeHeartbeat();
        return record.settledOutcome();
    }

    private static String input(String json) {
        return body(TOKEN, json);
    }

    private static SendTaskFailureRequest failure(String error, String cause) {
        return SendTaskFailureRequest.builder().taskToken(TOKEN).error(error).cause(cause).build();
    }

    private static RuntimeException sfnError(SfnException.Builder builder, String message) {
        return builder.statusCode(400).awsErrorDetails(AwsErrorDetails.builder().errorMessage(message).build()).build();
    }

    // Row: processor returns output (JSON, <= 256 KiB UTF-8) -> SendTaskSuccess(output), record done.
    @Test
    void outputIsSentWithSendTaskSuccessAndTheRecordIsDone() {
        RecordOutcome outcome = process(c -> TaskResult.complete(JsonParser.parseString("{\"total\":42}")), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(outcome.redeliver()).isFalse();
        verify(sfn).sendTaskSuccess(SendTaskSuccessRequest.builder().taskToken(TOKEN).output("{\"total\":42}").build());
        verify(sfn, never()).sendTaskFailure(any(SendTaskFailureRequest.class));
    }

    // Approval off (approval_enabled = false, the default): the definition has no approval states, so a
    // result asking for approval would succeed into an execution nobody is ever asked about.
    @Test
    void aRequestForApprovalFailsTheTaskAtOnceWhenApprovalIsOff() {
        approvalEnabled = false;

        RecordOutcome outcome = process(c -> TaskResult.requestApproval(new JsonObject(), "Order 42"), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.redeliver()).isFalse();
        ArgumentCaptor<SendTaskFailureRequest> sent = ArgumentCaptor.forClass(SendTaskFailureRequest.class);
        verify(sfn).sendTaskFailure(sent.capture());
        assertThat(sent.getValue().error()).isEqualTo("Approval.NotEnabled");
        assertThat(sent.getValue().cause()).contains("approval_enabled = true", "--approval-enabled true");
        verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    }

    @Test
    void approvalOffLeavesOtherResultsAloneAndApprovalOnLetsTheRequestThrough() {
        approvalEnabled = false;
        process(c -> TaskResult.complete(JsonParser.parseString("{\"approved\":true}")), input("{}"), 1);
        verify(sfn).sendTaskSuccess(SendTaskSuccessRequest.builder().taskToken(TOKEN).output("{\"approved\":true}").build());

        approvalEnabled = true;
        process(c -> TaskResult.requestApproval(new JsonObject(), "Order 42"), input("{}"), 1);
        verify(sfn).sendTaskSuccess(SendTaskSuccessRequest.builder().taskToken(TOKEN)
                .output("{\"approvalRequest\":{\"summary\":\"Order 42\"}}").build());
        verify(sfn, never()).sendTaskFailure(any(SendTaskFailureRequest.class));
    }

    @Test
    void theProcessorGetsTheInputTheExecutionAndTheReceiveCount() {
        AtomicReference<TaskContext> seen = new AtomicReference<>();
        process(c -> {
            seen.set(c);
            return TaskResult.complete(null);
        }, input("{\"order\":7}"), 3);

        assertThat(seen.get().input()).isEqualTo(JsonParser.parseString("{\"order\":7}"));
        assertThat(seen.get().executionArn()).contains(io.sfncallback.testkit.Messages.executionArn(TOKEN));
        assertThat(seen.get().receiveCount()).isEqualTo(3);
        assertThat(seen.get().remainingTime()).isPositive();
        verify(sfn).sendTaskSuccess(SendTaskSuccessRequest.builder().taskToken(TOKEN).output("null").build());
    }

    // The state output is the input with the worker's output at $.result (ResultPath); Step Functions
    // fails an execution whose state output exceeds 262,144 bytes with States.DataLimitExceeded, which
    // no Catch handles: https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html and
    // https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
    @Test
    void anOutputThatMakesTheStateOutputExactly256KibIsStillSent() {
        // {"result":"xx…x"} with the input {}: 11 bytes around the output, and the output's two quotes.
        String value = "x".repeat((int) StateOutput.MAX_BYTES - 11 - 2);

        RecordOutcome outcome = process(c -> TaskResult.complete(new JsonPrimitive(value)), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.SUCCEEDED);
    }

    @Test
    void anOutputThatMakesTheStateOutputOneByteTooLargeFailsTheTaskCatchably() {
        String value = "x".repeat((int) StateOutput.MAX_BYTES - 11 - 2 + 1);

        RecordOutcome outcome = process(c -> TaskResult.complete(new JsonPrimitive(value)), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.error()).isEqualTo(RecordProcessor.STATE_OUTPUT_TOO_LARGE);
        verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
        verify(sfn).sendTaskFailure(failure(RecordProcessor.STATE_OUTPUT_TOO_LARGE,
                "the state output would be 262145 bytes: the input (2 bytes) with the worker's output (262134 bytes) at $.result"
                        + " (ResultPath), over the 262144-byte payload quota; Step Functions would fail the execution with"
                        + " States.DataLimitExceeded, which no Catch handles. Room for the output: 262133 bytes"
                        + " (keep large data in S3 and pass a reference)"));
    }

    @Test
    void echoingAnInputOfMoreThanHalfTheQuotaFailsTheTaskInsteadOfTheExecution() {
        // What the demo does with any input above about 128 KiB: the work is done, the output alone
        // fits, but the input plus the output at $.result does not.
        String blob = "{\"blob\":\"" + "b".repeat(140_000) + "\"}";

        RecordOutcome outcome = process(c -> TaskResult.complete(c.input()), input(blob), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.error()).isEqualTo(RecordProcessor.STATE_OUTPUT_TOO_LARGE);
        verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    }

    @Test
    void anInputThatLeavesNoRoomForAnyResultIsRefusedBeforeTheProcessorRuns() throws Exception {
        // {"blob":"…"} is 11 + n bytes; with ,"result": and the smallest result (1 byte) the state
        // output is 22 + n bytes, one over the quota here.
        TaskProcessor processor = mock(TaskProcessor.class);
        String blob = "{\"blob\":\"" + "b".repeat((int) StateOutput.MAX_BYTES - 21) + "\"}";

        RecordOutcome outcome = process(processor, input(blob), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.error()).isEqualTo(RecordProcessor.STATE_OUTPUT_TOO_LARGE);
        assertThat(outcome.detail()).startsWith("the input is 262134 bytes of JSON: with even the smallest result at $.result"
                + " the state output would be 262145 bytes");
        verifyNoInteractions(processor);
    }

    @Test
    void anInputWithRoomForOneByteStillRuns() {
        String blob = "{\"blob\":\"" + "b".repeat((int) StateOutput.MAX_BYTES - 22) + "\"}";

        RecordOutcome outcome = process(c -> TaskResult.complete(new JsonPrimitive(7)), input(blob), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.SUCCEEDED);
    }

    // ResultPath $.result needs an object: any other input fails the execution with States.Runtime
    // after the work, so it is refused before any work happens.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "[1]      | a JSON array",
            "\"x\"    | a JSON string",
            "42       | a JSON number",
            "true     | a JSON boolean",
            "null     | JSON null"})
    void anInputThatIsNotAnObjectIsRefusedBeforeTheProcessorRuns(String inputJson, String found) throws Exception {
        TaskProcessor processor = mock(TaskProcessor.class);

        RecordOutcome outcome = process(processor, input(inputJson), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.redeliver()).isFalse();
        verify(sfn).sendTaskFailure(failure(RecordProcessor.INPUT_NOT_OBJECT, "the input is " + found
                + ", not a JSON object: the state machine stores the worker's output at $.result (ResultPath), which only"
                + " an object can take, so Step Functions would fail the execution with States.Runtime after the work was"
                + " done; the processor was not run"));
        verifyNoInteractions(processor);
    }

    @Test
    void anAbsentInputIsAnEmptyObject() {
        AtomicReference<TaskContext> seen = new AtomicReference<>();

        RecordOutcome outcome = process(c -> {
            seen.set(c);
            return TaskResult.complete(null);
        }, "{\"TaskToken\":\"" + TOKEN + "\"}", 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(seen.get().input()).isEqualTo(new JsonObject());
    }

    // Row: output larger than 256 KiB -> SendTaskFailure(output-too-large), record done.
    @Test
    void anOutputOneByteOverTheLimitFailsTheTaskInstead() {
        String value = "é".repeat(TaskCallbacks.MAX_OUTPUT_BYTES / 2); // 2 bytes each, plus quotes

        RecordOutcome outcome = process(c -> TaskResult.complete(new JsonPrimitive(value)), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.error()).isEqualTo(RecordProcessor.OUTPUT_TOO_LARGE);
        verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
        verify(sfn).sendTaskFailure(failure(RecordProcessor.OUTPUT_TOO_LARGE,
                "the output is 262146 bytes of UTF-8 JSON; Step Functions accepts at most 262144 (keep large data in S3 and pass a reference)"));
    }

    // Row: processor rejects the task -> SendTaskFailure(its error, its cause), record done.
    @Test
    void aRejectionIsSentWithItsErrorAndCause() {
        RecordOutcome outcome = process(c -> TaskResult.reject("Order.Invalid", "order 7 has no items"), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.redeliver()).isFalse();
        assertThat(outcome.error()).isEqualTo("Order.Invalid");
        verify(sfn).sendTaskFailure(failure("Order.Invalid", "order 7 has no items"));
    }

    @Test
    void aRejectionWithHugeErrorAndCauseIsTruncatedNotRefused() {
        RecordOutcome outcome = process(c -> TaskResult.reject("E".repeat(300), "C".repeat(40_000)), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.error()).hasSize(256);
        verify(sfn).sendTaskFailure(failure("E".repeat(255) + "…", "C".repeat(32_767) + "…"));
    }

    // Row: processor throws anything unexpected -> SendTaskFailure(Worker.Unhandled, type + message), record done.
    @Test
    void anExceptionFailsTheTaskWithItsTypeAndMessage() {
        RecordOutcome outcome = process(c -> {
            throw new IllegalStateException("database is down");
        }, input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.redeliver()).isFalse();
        verify(sfn).sendTaskFailure(failure(RecordProcessor.UNHANDLED, "java.lang.IllegalStateException: database is down"));
    }

    @Test
    void aStackOverflowIsUnhandledTooAndAnExceptionWithoutMessageKeepsItsType() {
        process(c -> {
            throw new StackOverflowError();
        }, input("{}"), 1);
        verify(sfn).sendTaskFailure(failure(RecordProcessor.UNHANDLED, "java.lang.StackOverflowError"));
    }

    @Test
    void aNullResultIsAProcessorBug() {
        RecordOutcome outcome = process(c -> null, input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        verify(sfn).sendTaskFailure(failure(RecordProcessor.UNHANDLED, "the processor returned null instead of a TaskResult"));
    }

    // Row: processor asks for a retry -> no callback yet, batch item failure.
    @Test
    void aRetryBeforeTheLastReceiveIsRedeliveredWithoutACallback() {
        RecordOutcome outcome = process(c -> TaskResult.retryLater("rate limited by the partner API"), input("{}"), 4);

        assertThat(outcome.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(outcome.redeliver()).isTrue();
        assertThat(outcome.detail()).isEqualTo("rate limited by the partner API");
        verifyNoInteractions(sfn);
    }

    // Row: ... and this was the last allowed receive -> SendTaskFailure(retries-exhausted), record done.
    @ParameterizedTest(name = "receive {0} of 5")
    @ValueSource(ints = {5, 6})
    void aRetryOnTheLastAllowedReceiveFailsTheTask(int receiveCount) {
        RecordOutcome outcome = process(c -> TaskResult.retryLater("still rate limited"), input("{}"), receiveCount);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.redeliver()).isFalse();
        verify(sfn).sendTaskFailure(failure(RecordProcessor.RETRIES_EXHAUSTED,
                "the processor asked for a retry on receive " + receiveCount + " of 5 allowed: still rate limited"));
    }

    // Row: body is not JSON / has no usable token -> impossible to call back, batch item failure (DLQ later).
    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"Input\":{}}", "{\"TaskToken\":\"\"}", "[\"TaskToken\"]"})
    void aBodyWithoutAUsableTokenIsLeftForTheDeadLetterQueue(String badBody) {
        RecordOutcome outcome = process(c -> TaskResult.complete(null), badBody, 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.BAD_MESSAGE);
        assertThat(outcome.redeliver()).isTrue();
        verifyNoInteractions(sfn);
        assertThat(logger.withMessage("record bad_message")).hasSize(1);
        assertThat(logger.lines().get(0).level()).isEqualTo(LogLevel.ERROR);
    }

    @Test
    void aUsableTokenWithUnusableInputFailsTheTaskAtOnce() {
        String deep = "[".repeat(300) + "]".repeat(300);
        RecordOutcome outcome = process(c -> TaskResult.complete(null), "{\"TaskToken\":\"" + TOKEN + "\",\"Input\":" + deep + "}", 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.error()).isEqualTo(RecordProcessor.INVALID_INPUT);
        verify(sfn).sendTaskFailure(any(SendTaskFailureRequest.class));
    }

    // Row: Step Functions answers TaskTimedOut / TaskDoesNotExist -> done, logged once as a warning.
    @ParameterizedTest
    @ValueSource(strings = {"TaskTimedOut", "TaskDoesNotExist"})
    void aClosedTaskIsDoneAndLoggedOnceAsAWarning(String error) {
        SfnException.Builder builder = error.equals("TaskTimedOut") ? TaskTimedOutException.builder() : TaskDoesNotExistException.builder();
        when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class))).thenThrow(sfnError(builder, "closed"));

        RecordOutcome outcome = process(c -> TaskResult.complete(new JsonObject()), input("{}"), 2);

        assertThat(outcome.outcome()).isEqualTo(Outcome.TASK_CLOSED);
        assertThat(outcome.redeliver()).isFalse();
        assertThat(logger.lines()).hasSize(1);
        assertThat(logger.lines().get(0).level()).isEqualTo(LogLevel.WARN);
        assertThat(logger.json().get(0).get("detail").getAsString()).startsWith(error + ": ");
    }

    // Row: Step Functions answers InvalidToken -> done (no retry can help), logged once as an error that says what it is.
    // "InvalidToken: The provided token is not valid" is not "TaskTimedOut: ... has already been closed":
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors
    @Test
    void anInvalidTokenIsItsOwnOutcomeDoneAndLoggedAsAnError() {
        when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class))).thenThrow(sfnError(InvalidTokenException.builder(), "Invalid Token"));

        RecordOutcome outcome = process(c -> TaskResult.complete(new JsonObject()), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.INVALID_TOKEN);
        assertThat(outcome.redeliver()).as("retrying cannot help: the record is deleted").isFalse();
        assertThat(logger.lines()).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(LogLevel.ERROR);
            assertThat(line.json().get("message").getAsString()).isEqualTo("record invalid_token");
            assertThat(line.json().get("detail").getAsString())
                    .startsWith("InvalidToken: Step Functions did not issue this task token")
                    .doesNotContain("duplicate or late");
        });
    }

    @Test
    void anInvalidTokenWhileFailingTheTaskIsItsOwnOutcomeToo() {
        when(sfn.sendTaskFailure(any(SendTaskFailureRequest.class))).thenThrow(sfnError(InvalidTokenException.builder(), "Invalid Token"));

        assertThat(process(c -> TaskResult.reject("E", "C"), input("{}"), 1).outcome()).isEqualTo(Outcome.INVALID_TOKEN);
    }

    @Test
    void aClosedTaskWhileSendingAFailureIsDoneToo() {
        when(sfn.sendTaskFailure(any(SendTaskFailureRequest.class))).thenThrow(sfnError(TaskTimedOutException.builder(), "late"));

        assertThat(process(c -> TaskResult.reject("E", "C"), input("{}"), 1).outcome()).isEqualTo(Outcome.TASK_CLOSED);
    }

    // Row: Step Functions throttles / 5xx / network, after the SDK's retries -> batch item failure.
    @Test
    void anUnavailableStepFunctionsLeavesTheRecordForRedelivery() {
        when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class)))
                .thenThrow(SfnException.builder().statusCode(500).message("Internal failure").build());

        RecordOutcome outcome = process(c -> TaskResult.complete(new JsonObject()), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.CALLBACK_UNAVAILABLE);
        assertThat(outcome.redeliver()).isTrue();
    }

    @Test
    void aNetworkFailureWhileFailingTheTaskLeavesItForRedeliveryToo() {
        when(sfn.sendTaskFailure(any(SendTaskFailureRequest.class))).thenThrow(SdkClientException.create("Connection reset"));

        RecordOutcome outcome = process(c -> TaskResult.reject("E", "C"), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.CALLBACK_UNAVAILABLE);
        assertThat(outcome.detail()).isEqualTo("SdkClientException: Connection reset");
    }

    @Test
    void invalidOutputFromStepFunctionsFailsTheTaskWithTheReason() {
        when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class)))
                .thenThrow(sfnError(InvalidOutputException.builder(), "Invalid State Machine Output"));

        RecordOutcome outcome = process(c -> TaskResult.complete(new JsonObject()), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        verify(sfn).sendTaskFailure(failure(RecordProcessor.INVALID_OUTPUT,
                "Step Functions refused the output: Invalid State Machine Output"));
    }

    @Test
    void anOutputThatCannotBeWrittenFailsTheTaskInsteadOfLooping() {
        JsonObject deep = new JsonObject();
        JsonObject current = deep;
        for (int i = 0; i < 100_000; i++) {
            JsonObject next = new JsonObject();
            current.add("n", next);
            current = next;
        }
        JsonObject output = deep;

        RecordOutcome outcome = process(c -> TaskResult.complete(output), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.error()).isEqualTo(RecordProcessor.INVALID_OUTPUT);
    }

    // Heartbeats: a heartbeat answering that the task is closed abandons that record's work.
    @Test
    void aHeartbeatThatFindsTheTaskClosedAbandonsTheWork() throws Exception {
        CountDownLatch working = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        realHeartbeatsEvery(Duration.ofMillis(20));
        when(sfn.sendTaskHeartbeat(any(SendTaskHeartbeatRequest.class))).thenAnswer(i -> {
            if (working.getCount() == 0) {
                throw sfnError(TaskTimedOutException.builder(), "Task Timed Out");
            }
            return null;
        });

        RecordOutcome outcome = process(c -> {
            working.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return TaskResult.complete(new JsonObject());
        }, input("{}"), 1);

        assertThat(interrupted.await(0, TimeUnit.SECONDS)).isTrue();
        assertThat(outcome.outcome()).isEqualTo(Outcome.ABANDONED);
        assertThat(outcome.redeliver()).isFalse();
        verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
        verify(sfn, never()).sendTaskFailure(any(SendTaskFailureRequest.class));
        assertThat(logger.lines()).as("one warning for the record, none for the heartbeat").hasSize(1);
        assertThat(logger.lines().get(0).level()).isEqualTo(LogLevel.WARN);
    }

    @Test
    void aHeartbeatAnsweredInvalidTokenAbandonsTheWorkAsAnInvalidToken() throws Exception {
        CountDownLatch working = new CountDownLatch(1);
        realHeartbeatsEvery(Duration.ofMillis(20));
        when(sfn.sendTaskHeartbeat(any(SendTaskHeartbeatRequest.class))).thenAnswer(i -> {
            if (working.getCount() == 0) {
                throw sfnError(InvalidTokenException.builder(), "Invalid Token");
            }
            return null;
        });

        RecordOutcome outcome = process(c -> {
            working.countDown();
            Thread.sleep(60_000);
            return TaskResult.complete(new JsonObject());
        }, input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.INVALID_TOKEN);
        assertThat(outcome.redeliver()).isFalse();
        verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
    }

    @Test
    void heartbeatsAreSentFromReceiptWhileTheProcessorWorksAndStopAtTheDisposition() throws Exception {
        realHeartbeatsEvery(Duration.ofMillis(10));
        CountDownLatch beats = new CountDownLatch(3);
        when(sfn.sendTaskHeartbeat(any(SendTaskHeartbeatRequest.class))).thenAnswer(i -> {
            beats.countDown();
            return null;
        });

        RecordOutcome outcome = process(c -> {
            assertThat(beats.await(10, TimeUnit.SECONDS)).isTrue();
            return TaskResult.complete(new JsonObject());
        }, input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.SUCCEEDED);
        verify(sfn, org.mockito.Mockito.atLeast(3)).sendTaskHeartbeat(SendTaskHeartbeatRequest.builder().taskToken(TOKEN).build());
        int afterDisposition = org.mockito.Mockito.mockingDetails(sfn).getInvocations().size();
        ticker.schedule(() -> { }, 60, TimeUnit.MILLISECONDS).get();
        sender.submit(() -> { }).get();
        assertThat(org.mockito.Mockito.mockingDetails(sfn).getInvocations()).hasSize(afterDisposition);
    }

    // Logs: one line per outcome, never the whole token, the input only at DEBUG.
    @Test
    void theOutcomeLineCarriesTheFingerprintNeverTheToken() {
        process(c -> TaskResult.complete(new JsonObject()), input("{\"secret\":\"s3cr3t\"}"), 1);

        assertThat(logger.lines()).hasSize(1);
        JsonObject line = logger.json().get(0);
        assertThat(line.get("message").getAsString()).isEqualTo("record succeeded");
        assertThat(line.get("messageId").getAsString()).isEqualTo("m-1");
        assertThat(line.get("executionArn").getAsString()).isEqualTo(io.sfncallback.testkit.Messages.executionArn(TOKEN));
        assertThat(line.get("token").getAsString()).isEqualTo(TokenFingerprint.of(TOKEN));
        assertThat(line.get("outcome").getAsString()).isEqualTo("SUCCEEDED");
        assertThat(line.get("durationMs").getAsLong()).isNotNegative();
        assertThat(line.get("requestId").getAsString()).isEqualTo("req-1");
        assertThat(logger.all()).doesNotContain("\"" + TOKEN + "\"").doesNotContain("s3cr3t");
    }

    @Test
    void theInputIsLoggedAtDebugOnly() {
        process(c -> TaskResult.complete(new JsonObject()), input("{\"secret\":\"s3cr3t\"}"), 1, LogLevel.DEBUG);

        assertThat(logger.withMessage("task input")).singleElement()
                .satisfies(line -> assertThat(line.get("input").toString()).isEqualTo("{\"secret\":\"s3cr3t\"}"));
        assertThat(logger.lines().get(0).level()).isEqualTo(LogLevel.DEBUG);
    }
}
