package io.sfncallback.local.asl;

/** A {@code Succeed} state: ends the execution successfully with its input as the output. */
public record SucceedState(String name) implements State {
}
