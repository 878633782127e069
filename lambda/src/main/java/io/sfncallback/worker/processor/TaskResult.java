package io.sfncallback.worker.processor;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import java.util.Objects;

/** What a {@link TaskProcessor} decided about one task. */
public sealed interface TaskResult {

    /** The task succeeded; {@code output} is sent with SendTaskSuccess (at most 256 KiB of UTF-8 JSON). */
    record Completed(JsonElement output) implements TaskResult {
        public Completed {
            output = output == null ? JsonNull.INSTANCE : output;
        }
    }

    /**
     * The task failed for a business reason; sent with SendTaskFailure. Step Functions accepts an
     * error of at most 256 and a cause of at most 32,768 characters: longer ones are truncated.
     */
    record Rejected(String error, String cause) implements TaskResult {
        public Rejected {
            Objects.requireNonNull(error, "error");
            cause = cause == null ? "" : cause;
        }
    }

    /** The work hit a transient problem and should be tried again from a redelivered message. */
    record RetryLater(String reason) implements TaskResult {
        public RetryLater {
            reason = reason == null ? "" : reason;
        }
    }

    static TaskResult complete(JsonElement output) {
        return new Completed(output);
    }

    static TaskResult reject(String error, String cause) {
        return new Rejected(error, cause);
    }

    static TaskResult retryLater(String reason) {
        return new RetryLater(reason);
    }
}
