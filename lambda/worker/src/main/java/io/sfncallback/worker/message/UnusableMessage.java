package io.sfncallback.worker.message;

import io.sfncallback.core.callback.TokenFingerprint;
import java.util.Objects;

/**
 * A message the worker cannot process.
 *
 * <p>When the message still carries a valid token (only its input is unusable) the task can be
 * failed with it; otherwise nobody can be told, and the message must go to the dead-letter queue.
 *
 * @param reason       what is wrong, for logs and the failure cause; never contains the token
 * @param taskToken    the valid token found in the message, or {@code null}
 * @param executionArn the execution it names, or {@code null}
 */
public record UnusableMessage(String reason, String taskToken, String executionArn) implements ParsedMessage {

    public UnusableMessage {
        Objects.requireNonNull(reason, "reason");
    }

    static UnusableMessage withoutToken(String reason) {
        return new UnusableMessage(reason, null, null);
    }

    /** True when the task can still be failed with this message's token. */
    public boolean hasToken() {
        return taskToken != null;
    }

    @Override
    public String toString() {
        return "UnusableMessage[reason=" + reason + ", token=" + (taskToken == null ? "none" : TokenFingerprint.of(taskToken))
                + ", executionArn=" + executionArn + "]";
    }
}
