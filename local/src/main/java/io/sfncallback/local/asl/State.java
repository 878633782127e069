package io.sfncallback.local.asl;

/** One state of a definition: only the state types the project's state machine uses. */
public sealed interface State permits TaskState, FailState, SucceedState {
    String name();
}
