package io.sfncallback.worker.batch;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonObject;
import io.sfncallback.core.callback.CallbackResult;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.callback.Text;
import io.sfncallback.core.callback.TokenFingerprint;
import io.sfncallback.worker.callback.RunningHeartbeat;
import io.sfncallback.worker.message.TaskMessage;
import io.sfncallback.worker.message.UnusableMessage;
import io.sfncallback.worker.payload.StateOutput;
import io.sfncallback.worker.processor.TaskContext;
import io.sfncallback.worker.processor.TaskProcessor;
import io.sfncallback.worker.processor.TaskResult;
import java.util.Objects;
import java.util.Optional;

/**
 * Takes one started record from its task to its callback, and decides whether SQS keeps it.
 *
 * <p>This class is the design's outcome table: refuse what Step Functions could not take back
 * (an input that is not an object, or one that leaves no room for a result), run the
 * {@link TaskProcessor} while heartbeats keep the task alive, check that what will become the
 * state's output fits the payload quota, call back with the result, and map every answer to a
 * {@link Settlement}. The record's heartbeats run from its receipt until its final disposition,
 * before and after this class's part.
 */
public final class RecordProcessor {

    public static final String UNHANDLED = "Worker.Unhandled";
    public static final String OUTPUT_TOO_LARGE = "Worker.OutputTooLarge";
    public static final String STATE_OUTPUT_TOO_LARGE = "Worker.StateOutputTooLarge";
    public static final String INPUT_NOT_OBJECT = "Worker.InputNotObject";
    public static final String INVALID_OUTPUT = "Worker.InvalidOutput";
    public static final String INVALID_INPUT = "Worker.InvalidInput";
    public static final String RETRIES_EXHAUSTED = "Worker.RetriesExhausted";
    /** A processor asked for a person's approval in a deployment without the approval feature. */
    public static final String APPROVAL_NOT_ENABLED = "Approval.NotEnabled";
    static final String APPROVAL_NOT_ENABLED_CAUSE = "the processor asked for a person's approval"
            + " (TaskResult.requestApproval), but approval is off in this deployment (APPROVAL_ENABLED is not true):"
            + " no approval states exist to wait in. Turn it on with approval_enabled = true (and approver_emails) in"
            + " Terraform, or --approval-enabled true on the local stack; or complete the task without requestApproval";

    private static final String KEEP_IT_SMALL = "keep large data in S3 and pass a reference";

    private final TaskProcessor processor;
    private final TaskCallbacks callbacks;
    private final int maxReceiveCount;
    private final boolean approvalEnabled;

    /**
     * @param approvalEnabled whether the state machine has the approval states; without them a result
     *     that asks for approval fails its task at once ({@link #APPROVAL_NOT_ENABLED}) instead of
     *     succeeding into an execution that nobody will ever be asked to approve
     */
    public RecordProcessor(TaskProcessor processor, TaskCallbacks callbacks, int maxReceiveCount,
            boolean approvalEnabled) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
        this.maxReceiveCount = maxReceiveCount;
        this.approvalEnabled = approvalEnabled;
    }

    /** Processes a started record; never throws except for errors the JVM cannot continue after. */
    Settlement process(TrackedRecord record, Invocation invocation) {
        return switch (record.parsed()) {
            case UnusableMessage unusable when unusable.hasToken() -> fail(unusable.taskToken(), INVALID_INPUT, unusable.reason());
            case UnusableMessage unusable -> Settlement.of(Outcome.BAD_MESSAGE, unusable.reason());
            case TaskMessage task -> run(task, record, invocation);
        };
    }

    private Settlement run(TaskMessage task, TrackedRecord record, Invocation invocation) {
        RunningHeartbeat heartbeat = record.heartbeat();
        Optional<CallbackResult> closed = heartbeat.closedBy();
        if (closed.isPresent()) {
            return Settlement.closedBeforeWork(closed.get());
        }
        StateOutput stateOutput;
        switch (StateOutput.admit(task.input())) {
            case StateOutput.NotAnObject notObject -> {
                return fail(task.taskToken(), INPUT_NOT_OBJECT, "the input is " + notObject.found()
                        + ", not a JSON object: the state machine stores the worker's output at $.result (ResultPath),"
                        + " which only an object can take, so Step Functions would fail the execution with States.Runtime"
                        + " after the work was done; the processor was not run");
            }
            case StateOutput.NoRoom noRoom -> {
                return fail(task.taskToken(), STATE_OUTPUT_TOO_LARGE, "the input is " + noRoom.inputBytes()
                        + " bytes of JSON: with even the smallest result at $.result the state output would be "
                        + noRoom.smallestStateOutputBytes() + " bytes, over the " + StateOutput.MAX_BYTES
                        + "-byte payload quota (Step Functions would fail the execution with States.DataLimitExceeded,"
                        + " which no Catch handles); the processor was not run: " + KEEP_IT_SMALL);
            }
            case StateOutput.Admitted admitted -> stateOutput = admitted.output();
        }
        invocation.log().at(LogLevel.DEBUG, "task input")
                .with("messageId", record.messageId())
                .with("token", TokenFingerprint.of(task.taskToken()))
                .with("input", task.input())
                .write();
        if (!heartbeat.bindWork(Thread.currentThread())) {
            return Settlement.closedBeforeWork(heartbeat.closedBy().orElseThrow());
        }
        TaskResult result = null;
        Throwable thrown = null;
        try {
            result = processor.process(new TaskContext(task.input(), Optional.ofNullable(task.executionArn()),
                    record.receiveCount(), heartbeat, invocation.deadline()::timeLeftForWork));
        } catch (VirtualMachineError e) {
            if (!(e instanceof StackOverflowError)) {
                throw e;
            }
            thrown = e;
        } catch (Throwable e) {
            thrown = e;
        } finally {
            heartbeat.endWork();
        }
        boolean interrupted = Thread.interrupted() || thrown instanceof InterruptedException;
        if (heartbeat.closedBy().isPresent()) {
            return Settlement.closedDuringWork(heartbeat.closedBy().get());
        }
        if (interrupted) {
            // Only the batch's deadline interrupts a worker thread whose task is still open.
            return Settlement.of(Outcome.NOT_FINISHED, "the invocation ran out of time while the processor worked");
        }
        if (thrown != null) {
            return fail(task.taskToken(), UNHANDLED, describe(thrown));
        }
        int receiveCount = record.receiveCount();
        return switch (result) {
            case null -> fail(task.taskToken(), UNHANDLED, "the processor returned null instead of a TaskResult");
            case TaskResult.Completed completed when !approvalEnabled && asksForApproval(completed) ->
                    fail(task.taskToken(), APPROVAL_NOT_ENABLED, APPROVAL_NOT_ENABLED_CAUSE);
            case TaskResult.Completed completed -> succeed(task.taskToken(), completed, stateOutput);
            case TaskResult.Rejected rejected -> fail(task.taskToken(), rejected.error(), rejected.cause());
            case TaskResult.RetryLater retry when receiveCount >= maxReceiveCount -> fail(task.taskToken(), RETRIES_EXHAUSTED,
                    "the processor asked for a retry on receive " + receiveCount + " of " + maxReceiveCount
                            + " allowed: " + retry.reason());
            case TaskResult.RetryLater retry -> Settlement.of(Outcome.RETRY, retry.reason());
        };
    }

    private Settlement succeed(String token, TaskResult.Completed completed, StateOutput stateOutput) {
        String output;
        try {
            output = completed.output().toString();
        } catch (RuntimeException | StackOverflowError e) {
            return fail(token, INVALID_OUTPUT, "the output cannot be written as JSON: " + describe(e));
        }
        long bytes = Text.utf8Length(output);
        if (bytes > TaskCallbacks.MAX_OUTPUT_BYTES) {
            return fail(token, OUTPUT_TOO_LARGE, "the output is " + bytes + " bytes of UTF-8 JSON; Step Functions accepts at most "
                    + TaskCallbacks.MAX_OUTPUT_BYTES + " (" + KEEP_IT_SMALL + ")");
        }
        long stateBytes = stateOutput.bytesWithResult(bytes);
        if (stateBytes > StateOutput.MAX_BYTES) {
            return fail(token, STATE_OUTPUT_TOO_LARGE, "the state output would be " + stateBytes + " bytes: the input ("
                    + stateOutput.inputBytes() + " bytes) with the worker's output (" + bytes + " bytes) at $.result (ResultPath),"
                    + " over the " + StateOutput.MAX_BYTES + "-byte payload quota; Step Functions would fail the execution with"
                    + " States.DataLimitExceeded, which no Catch handles. Room for the output: " + stateOutput.roomForResult()
                    + " bytes (" + KEEP_IT_SMALL + ")");
        }
        return switch (callbacks.succeed(token, output)) {
            case CallbackResult.Delivered delivered -> Settlement.of(Outcome.SUCCEEDED, null);
            case CallbackResult.OutputRejected rejected ->
                    fail(token, INVALID_OUTPUT, "Step Functions refused the output: " + rejected.message());
            case CallbackResult.TaskClosed closed -> Settlement.closed(closed);
            case CallbackResult.InvalidToken invalid -> Settlement.invalidToken(invalid, "SendTaskSuccess was refused; the record is done");
            case CallbackResult.Unavailable unavailable -> Settlement.unavailable(unavailable);
        };
    }

    private Settlement fail(String token, String error, String cause) {
        return switch (callbacks.fail(token, error, cause)) {
            case CallbackResult.Delivered delivered -> Settlement.failed(error, cause);
            case CallbackResult.TaskClosed closed -> Settlement.closed(closed);
            case CallbackResult.InvalidToken invalid -> Settlement.invalidToken(invalid, "SendTaskFailure was refused; the record is done");
            case CallbackResult.OutputRejected rejected -> Settlement.unavailable(new CallbackResult.Unavailable(rejected.message()));
            case CallbackResult.Unavailable unavailable -> Settlement.unavailable(unavailable);
        };
    }

    private static boolean asksForApproval(TaskResult.Completed completed) {
        return completed.output() instanceof JsonObject output && output.has(TaskResult.APPROVAL_REQUEST);
    }

    private static String describe(Throwable thrown) {
        return thrown.getClass().getName() + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage());
    }
}
