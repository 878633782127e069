package io.sfncallback.worker.batch;

import io.sfncallback.core.callback.CallbackResult;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.callback.Text;
import java.util.Objects;

/**
 * How a record ends, before it is tied to its SQS message: the outcome, the error sent with
 * SendTaskFailure (when one was sent) and a human-readable detail that never contains the token.
 */
record Settlement(Outcome outcome, String error, String detail) {

    /** The longest detail kept in a record's log line. */
    static final int MAX_DETAIL = 1024;

    Settlement {
        Objects.requireNonNull(outcome, "outcome");
        error = Text.truncate(error, TaskCallbacks.MAX_ERROR_LENGTH);
        detail = Text.truncate(detail, MAX_DETAIL);
    }

    static Settlement of(Outcome outcome, String detail) {
        return new Settlement(outcome, null, detail);
    }

    /** SendTaskFailure was accepted with this error and cause. */
    static Settlement failed(String error, String cause) {
        return new Settlement(Outcome.FAILED, error, cause);
    }

    /** A callback was answered TaskTimedOut / TaskDoesNotExist. */
    static Settlement closed(CallbackResult.TaskClosed closed) {
        return of(Outcome.TASK_CLOSED, closed.errorCode() + ": the task was already closed (a duplicate or late message)");
    }

    /** A callback or heartbeat was answered InvalidToken. */
    static Settlement invalidToken(CallbackResult.InvalidToken invalid, String what) {
        return of(Outcome.INVALID_TOKEN, "InvalidToken: Step Functions did not issue this task token (forged, corrupted or cut"
                + " short, or from another account or region than the one the worker calls); " + what
                + (invalid.message() == null ? "" : " (" + invalid.message() + ")"));
    }

    /** A callback did not get through after the SDK's retries. */
    static Settlement unavailable(CallbackResult.Unavailable unavailable) {
        return of(Outcome.CALLBACK_UNAVAILABLE, unavailable.description());
    }

    /** A heartbeat found the task closed before its work started: the work never starts. */
    static Settlement closedBeforeWork(CallbackResult answer) {
        return switch (answer) {
            case CallbackResult.InvalidToken invalid ->
                    invalidToken(invalid, "a heartbeat found it before the work started; the work was not started");
            case CallbackResult.TaskClosed closed -> of(Outcome.TASK_CLOSED, closed.errorCode()
                    + ": a heartbeat found the task already closed before its work started (a duplicate or late message); not started");
            default -> throw new IllegalArgumentException("not an answer that closes a task: " + answer);
        };
    }

    /** A heartbeat found the task closed while the processor worked: its result is dropped. */
    static Settlement closedDuringWork(CallbackResult answer) {
        return switch (answer) {
            case CallbackResult.InvalidToken invalid ->
                    invalidToken(invalid, "a heartbeat found it while the processor worked; its result was dropped");
            case CallbackResult.TaskClosed closed -> of(Outcome.ABANDONED, closed.errorCode()
                    + ": the task closed while the processor worked; its result was dropped");
            default -> throw new IllegalArgumentException("not an answer that closes a task: " + answer);
        };
    }
}
