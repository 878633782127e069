package io.sfncallback.worker.message;

import com.google.gson.JsonElement;
import io.sfncallback.core.callback.TokenFingerprint;
import java.util.Objects;

/**
 * A well-formed task message: the token to call back with, and the input to work on.
 *
 * <p>{@link #toString()} never shows the token: it is a credential that completes someone's task.
 *
 * @param taskToken    the task token, 1 to 2048 characters
 * @param executionArn the execution that sent it, or {@code null} when the message did not say
 * @param input        the payload for the processor; {@code {}} when the message had none
 */
public record TaskMessage(String taskToken, String executionArn, JsonElement input) implements ParsedMessage {

    public TaskMessage {
        Objects.requireNonNull(taskToken, "taskToken");
        Objects.requireNonNull(input, "input");
    }

    @Override
    public String toString() {
        return "TaskMessage[token=" + TokenFingerprint.of(taskToken) + ", executionArn=" + executionArn + "]";
    }
}
