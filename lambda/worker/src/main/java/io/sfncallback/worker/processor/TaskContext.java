package io.sfncallback.worker.processor;

import com.google.gson.JsonElement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything a {@link TaskProcessor} gets for one task.
 *
 * @param input        the task input: the {@code Input} of the message (the execution input with this
 *                     project's state machine), {@code {}} when the message had none. Always a JSON
 *                     object: the state machine stores the result at {@code $.result}, so the worker
 *                     fails any other input with {@code Worker.InputNotObject} before calling the
 *                     processor
 * @param executionArn the execution waiting for this task, when the message named it
 * @param receiveCount how many times SQS has delivered this message, 1 on the first delivery
 * @param heartbeat    the task's heartbeats
 * @param timeLeft     how long the processor may still run before the worker stops waiting for it
 */
public record TaskContext(
        JsonElement input,
        Optional<String> executionArn,
        int receiveCount,
        Heartbeat heartbeat,
        Supplier<Duration> timeLeft) {

    public TaskContext {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(executionArn, "executionArn");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(timeLeft, "timeLeft");
    }

    /** How long the processor may still run; zero or negative when it should stop at once. */
    public Duration remainingTime() {
        return timeLeft.get();
    }
}
