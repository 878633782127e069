package io.sfncallback.worker.batch;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.worker.callback.CallbackResult;
import io.sfncallback.worker.callback.HeartbeatScheduler;
import io.sfncallback.worker.callback.RunningHeartbeat;
import io.sfncallback.worker.callback.TaskCallbacks;
import io.sfncallback.worker.callback.Text;
import io.sfncallback.worker.message.ParsedMessage;
import io.sfncallback.worker.message.TaskMessage;
import io.sfncallback.worker.message.TaskMessageParser;
import io.sfncallback.worker.message.TokenFingerprint;
import io.sfncallback.worker.message.UnusableMessage;
import io.sfncallback.worker.processor.TaskContext;
import io.sfncallback.worker.processor.TaskProcessor;
import io.sfncallback.worker.processor.TaskResult;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Takes one SQS record from body to callback, and decides whether SQS keeps it.
 *
 * <p>This class is the design's outcome table: parse the body, run the {@link TaskProcessor} while
 * heartbeats keep the task alive, call back with the result, and map every answer to an
 * {@link Outcome}. It logs exactly one line per record with the outcome, so a duplicate or late
 * message is one warning, not a stack trace.
 */
public final class RecordProcessor {

    public static final String UNHANDLED = "Worker.Unhandled";
    public static final String OUTPUT_TOO_LARGE = "Worker.OutputTooLarge";
    public static final String INVALID_OUTPUT = "Worker.InvalidOutput";
    public static final String INVALID_INPUT = "Worker.InvalidInput";
    public static final String RETRIES_EXHAUSTED = "Worker.RetriesExhausted";

    static final String RECEIVE_COUNT = "ApproximateReceiveCount";

    private final TaskMessageParser parser;
    private final TaskProcessor processor;
    private final TaskCallbacks callbacks;
    private final HeartbeatScheduler heartbeats;
    private final int maxReceiveCount;

    public RecordProcessor(TaskMessageParser parser, TaskProcessor processor, TaskCallbacks callbacks,
            HeartbeatScheduler heartbeats, int maxReceiveCount) {
        this.parser = Objects.requireNonNull(parser, "parser");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
        this.heartbeats = Objects.requireNonNull(heartbeats, "heartbeats");
        this.maxReceiveCount = maxReceiveCount;
    }

    /** Processes the record; never throws except for errors the JVM cannot continue after. */
    public RecordOutcome process(SQSMessage message, Invocation invocation) {
        long started = System.nanoTime();
        int receiveCount = receiveCount(message);
        ParsedMessage parsed = parser.parse(message.getBody());
        Result result = switch (parsed) {
            case UnusableMessage unusable when unusable.hasToken() ->
                    fail(unusable.taskToken(), INVALID_INPUT, unusable.reason());
            case UnusableMessage unusable -> new Result(Outcome.BAD_MESSAGE, null, unusable.reason());
            case TaskMessage task -> run(task, receiveCount, message, invocation);
        };
        RecordOutcome outcome = new RecordOutcome(message.getMessageId(), message.getReceiptHandle(),
                result.outcome, result.error, result.detail);
        if (outcome.outcome() != Outcome.NOT_FINISHED) {
            // An unfinished record was cut off by the batch, which has logged it already.
            log(invocation, outcome, receiveCount, parsed.taskToken(), parsed.executionArn(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        return outcome;
    }

    /** The outcome of a record the batch had no time to start, logged like any other. */
    RecordOutcome skipped(SQSMessage message, Invocation invocation, Outcome outcome, String detail) {
        RecordOutcome skipped = new RecordOutcome(message.getMessageId(), message.getReceiptHandle(), outcome, null, detail);
        log(invocation, skipped, receiveCount(message), null, null, null);
        return skipped;
    }

    private record Result(Outcome outcome, String error, String detail) {
    }

    private Result run(TaskMessage task, int receiveCount, SQSMessage message, Invocation invocation) {
        invocation.log().at(LogLevel.DEBUG, "task input")
                .with("messageId", message.getMessageId())
                .with("token", TokenFingerprint.of(task.taskToken()))
                .with("input", task.input())
                .write();
        TaskResult result = null;
        Throwable thrown = null;
        RunningHeartbeat heartbeat = heartbeats.start(task.taskToken(), Thread.currentThread(),
                answer -> logHeartbeat(invocation, message, task, answer));
        try {
            result = processor.process(new TaskContext(task.input(), Optional.ofNullable(task.executionArn()),
                    receiveCount, heartbeat, invocation.deadline()::timeLeftForWork));
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) {
                throw e;
            }
            thrown = e;
        } catch (Throwable e) {
            thrown = e;
        } finally {
            heartbeat.close();
        }
        boolean interrupted = Thread.interrupted() || thrown instanceof InterruptedException;
        if (heartbeat.isTaskClosed()) {
            return new Result(Outcome.ABANDONED, null, "the task closed while the processor worked; its result was dropped");
        }
        if (interrupted) {
            // Only the batch's deadline interrupts a worker thread whose task is still open.
            return new Result(Outcome.NOT_FINISHED, null, "the invocation ran out of time while the processor worked");
        }
        if (thrown != null) {
            return fail(task.taskToken(), UNHANDLED, describe(thrown));
        }
        return switch (result) {
            case null -> fail(task.taskToken(), UNHANDLED, "the processor returned null instead of a TaskResult");
            case TaskResult.Completed completed -> succeed(task.taskToken(), completed);
            case TaskResult.Rejected rejected -> fail(task.taskToken(), rejected.error(), rejected.cause());
            case TaskResult.RetryLater retry when receiveCount >= maxReceiveCount -> fail(task.taskToken(), RETRIES_EXHAUSTED,
                    "the processor asked for a retry on receive " + receiveCount + " of " + maxReceiveCount
                            + " allowed: " + retry.reason());
            case TaskResult.RetryLater retry -> new Result(Outcome.RETRY, null, retry.reason());
        };
    }

    private Result succeed(String token, TaskResult.Completed completed) {
        String output;
        try {
            output = completed.output().toString();
        } catch (RuntimeException | StackOverflowError e) {
            return fail(token, INVALID_OUTPUT, "the output cannot be written as JSON: " + describe(e));
        }
        long bytes = Text.utf8Length(output);
        if (bytes > TaskCallbacks.MAX_OUTPUT_BYTES) {
            return fail(token, OUTPUT_TOO_LARGE, "the output is " + bytes + " bytes of UTF-8 JSON; Step Functions accepts at most "
                    + TaskCallbacks.MAX_OUTPUT_BYTES + " (keep large results in S3 and return a reference)");
        }
        return switch (callbacks.succeed(token, output)) {
            case CallbackResult.Delivered delivered -> new Result(Outcome.SUCCEEDED, null, null);
            case CallbackResult.OutputRejected rejected ->
                    fail(token, INVALID_OUTPUT, "Step Functions refused the output: " + rejected.message());
            case CallbackResult.TaskClosed closed -> closed(closed);
            case CallbackResult.Unavailable unavailable -> unavailable(unavailable);
        };
    }

    private Result fail(String token, String error, String cause) {
        return switch (callbacks.fail(token, error, cause)) {
            case CallbackResult.Delivered delivered ->
                    new Result(Outcome.FAILED, Text.truncate(error, TaskCallbacks.MAX_ERROR_LENGTH), Text.truncate(cause, 1024));
            case CallbackResult.TaskClosed closed -> closed(closed);
            case CallbackResult.OutputRejected rejected -> unavailable(new CallbackResult.Unavailable(rejected.message()));
            case CallbackResult.Unavailable unavailable -> unavailable(unavailable);
        };
    }

    private static Result closed(CallbackResult.TaskClosed closed) {
        return new Result(Outcome.TASK_CLOSED, null,
                closed.errorCode() + ": the task was already closed (a duplicate or late message)");
    }

    private static Result unavailable(CallbackResult.Unavailable unavailable) {
        return new Result(Outcome.CALLBACK_UNAVAILABLE, null, unavailable.description());
    }

    private static String describe(Throwable thrown) {
        return thrown.getClass().getName() + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage());
    }

    static int receiveCount(SQSMessage message) {
        Map<String, String> attributes = message.getAttributes();
        String raw = attributes == null ? null : attributes.get(RECEIVE_COUNT);
        if (raw == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(raw.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static void log(Invocation invocation, RecordOutcome outcome, int receiveCount, String token,
            String executionArn, Long durationMillis) {
        invocation.log().at(outcome.outcome().logLevel(), "record " + outcome.outcome().name().toLowerCase(Locale.ROOT))
                .with("messageId", outcome.messageId())
                .with("executionArn", executionArn)
                .with("token", TokenFingerprint.of(token))
                .with("outcome", outcome.outcome().name())
                .with("redeliver", outcome.redeliver())
                .with("receiveCount", receiveCount)
                .with("durationMs", durationMillis)
                .with("error", outcome.error())
                .with("detail", outcome.detail())
                .write();
    }

    /** A closed task is reported once, by the record's outcome line; only failed heartbeats get a line here. */
    private static void logHeartbeat(Invocation invocation, SQSMessage message, TaskMessage task, CallbackResult answer) {
        if (answer instanceof CallbackResult.Unavailable unavailable) {
            invocation.log().at(LogLevel.WARN, "heartbeat not delivered")
                    .with("messageId", message.getMessageId())
                    .with("executionArn", task.executionArn())
                    .with("token", TokenFingerprint.of(task.taskToken()))
                    .with("detail", unavailable.description())
                    .write();
        }
    }
}
