package io.sfncallback.worker.batch;

import static io.sfncallback.worker.testing.Messages.body;
import static io.sfncallback.worker.testing.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.sfncallback.worker.callback.HeartbeatScheduler;
import io.sfncallback.worker.callback.TaskCallbacks;
import io.sfncallback.worker.logging.JsonLog;
import io.sfncallback.worker.message.TaskMessageParser;
import io.sfncallback.worker.message.TokenFingerprint;
import io.sfncallback.worker.processor.TaskContext;
import io.sfncallback.worker.processor.TaskProcessor;
import io.sfncallback.worker.processor.TaskResult;
import io.sfncallback.worker.testing.CapturingLogger;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService sender = Executors.newCachedThreadPool();
    private final CapturingLogger logger = new CapturingLogger();
    private Duration heartbeatInterval = Duration.ofHours(1);

    @AfterEach
    void stopThreads() {
        ticker.shutdownNow();
        sender.shutdownNow();
    }

    private RecordOutcome process(TaskProcessor processor, String body, int receiveCount) {
        return process(processor, body, receiveCount, LogLevel.INFO);
    }

    private RecordOutcome process(TaskProcessor processor, String body, int receiveCount, LogLevel level) {
        TaskCallbacks callbacks = new TaskCallbacks(sfn);
        RecordProcessor records = new RecordProcessor(new TaskMessageParser(), processor, callbacks,
                new HeartbeatScheduler(callbacks, ticker, sender, heartbeatInterval), 5);
        Invocation invocation = new Invocation(Deadline.none(), new JsonLog(logger, level, "req-1", Clock.systemUTC()));
        return records.process(message("m-1", body, receiveCount), invocation);
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

    @Test
    void theProcessorGetsTheInputTheExecutionAndTheReceiveCount() {
        AtomicReference<TaskContext> seen = new AtomicReference<>();
        process(c -> {
            seen.set(c);
            return TaskResult.complete(null);
        }, input("{\"order\":7}"), 3);

        assertThat(seen.get().input()).isEqualTo(JsonParser.parseString("{\"order\":7}"));
        assertThat(seen.get().executionArn()).contains(io.sfncallback.worker.testing.Messages.executionArn(TOKEN));
        assertThat(seen.get().receiveCount()).isEqualTo(3);
        assertThat(seen.get().remainingTime()).isPositive();
        verify(sfn).sendTaskSuccess(SendTaskSuccessRequest.builder().taskToken(TOKEN).output("null").build());
    }

    @Test
    void anOutputOfExactly256KibIsStillSent() {
        String value = "x".repeat(TaskCallbacks.MAX_OUTPUT_BYTES - 2); // the quotes make it 262,144 bytes

        RecordOutcome outcome = process(c -> TaskResult.complete(new JsonPrimitive(value)), input("{}"), 1);

        assertThat(outcome.outcome()).isEqualTo(Outcome.SUCCEEDED);
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
                "the output is 262146 bytes of UTF-8 JSON; Step Functions accepts at most 262144 (keep large results in S3 and return a reference)"));
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

    // Row: Step Functions answers TaskTimedOut / TaskDoesNotExist / InvalidToken -> done, logged once as a warning.
    @ParameterizedTest
    @ValueSource(strings = {"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"})
    void aClosedTaskIsDoneAndLoggedOnceAsAWarning(String error) {
        SfnException.Builder builder = switch (error) {
            case "TaskTimedOut" -> TaskTimedOutException.builder();
            case "TaskDoesNotExist" -> TaskDoesNotExistException.builder();
            default -> InvalidTokenException.builder();
        };
        when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class))).thenThrow(sfnError(builder, "closed"));

        RecordOutcome outcome = process(c -> TaskResult.complete(new JsonObject()), input("{}"), 2);

        assertThat(outcome.outcome()).isEqualTo(Outcome.TASK_CLOSED);
        assertThat(outcome.redeliver()).isFalse();
        assertThat(logger.lines()).hasSize(1);
        assertThat(logger.lines().get(0).level()).isEqualTo(LogLevel.WARN);
        assertThat(logger.json().get(0).get("detail").getAsString()).startsWith(error + ": ");
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
        heartbeatInterval = Duration.ofMillis(20);
        when(sfn.sendTaskHeartbeat(any(SendTaskHeartbeatRequest.class)))
                .thenThrow(sfnError(TaskTimedOutException.builder(), "Task Timed Out"));
        CountDownLatch interrupted = new CountDownLatch(1);

        RecordOutcome outcome = process(c -> {
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
    void heartbeatsAreSentWhileTheProcessorWorksAndStopWhenItEnds() throws Exception {
        heartbeatInterval = Duration.ofMillis(10);
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
        int afterWork = org.mockito.Mockito.mockingDetails(sfn).getInvocations().size();
        ticker.schedule(() -> { }, 60, TimeUnit.MILLISECONDS).get();
        sender.submit(() -> { }).get();
        assertThat(org.mockito.Mockito.mockingDetails(sfn).getInvocations()).hasSize(afterWork);
    }

    // Logs: one line per outcome, never the whole token, the input only at DEBUG.
    @Test
    void theOutcomeLineCarriesTheFingerprintNeverTheToken() {
        process(c -> TaskResult.complete(new JsonObject()), input("{\"secret\":\"s3cr3t\"}"), 1);

        assertThat(logger.lines()).hasSize(1);
        JsonObject line = logger.json().get(0);
        assertThat(line.get("message").getAsString()).isEqualTo("record succeeded");
        assertThat(line.get("messageId").getAsString()).isEqualTo("m-1");
        assertThat(line.get("executionArn").getAsString()).isEqualTo(io.sfncallback.worker.testing.Messages.executionArn(TOKEN));
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
