package io.sfncallback.worker.callback;

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
     * The task is already closed, or the token names no task: TaskTimedOut, TaskDoesNotExist or
     * InvalidToken. A duplicate or late message; nothing more can be done with it.
     */
    record TaskClosed(String errorCode, String message) implements CallbackResult {
        public TaskClosed {
            Objects.requireNonNull(errorCode, "errorCode");
        }
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
