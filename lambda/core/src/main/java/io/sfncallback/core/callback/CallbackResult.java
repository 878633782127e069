package io.sfncallback.core.callback;

import java.util.Objects;

/**
 * How Step Functions answered a SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat.
 *
 * <p>Each answer the design expects is a value here rather than an exception, because each is a
 * normal outcome the caller must decide on.
 */
public sealed interface CallbackResult {

    /** Step Functions accepted the call. */
    record Delivered() implements CallbackResult {
    }

    /**
     * The task is already closed: TaskTimedOut ("the task token has either expired or the task
     * associated with the token has already been closed") or TaskDoesNotExist. A duplicate or late
     * message; nothing more can be done with it.
     */
    record TaskClosed(String errorCode, String message) implements CallbackResult {
        public TaskClosed {
            Objects.requireNonNull(errorCode, "errorCode");
        }
    }

    /**
     * InvalidToken ("the provided token is not valid"): Step Functions did not issue this token. It
     * was forged, corrupted or cut short, or it was issued in another account or region than the
     * one the worker calls. Not a late message: no retry can ever complete a task with it.
     * (<a href="https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors">SendTaskSuccess errors</a>)
     */
    record InvalidToken(String message) implements CallbackResult {
    }

    /** SendTaskSuccess was refused with InvalidOutput: the output itself is the problem. */
    record OutputRejected(String message) implements CallbackResult {
    }

    /**
     * The call did not get through after the SDK's retries: throttling, a 5xx, the network, or a
     * permission problem. The task is still open; a later attempt may succeed.
     */
    record Unavailable(String description) implements CallbackResult {
        public Unavailable {
            Objects.requireNonNull(description, "description");
        }
    }

    CallbackResult DELIVERED = new Delivered();
}
