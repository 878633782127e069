package io.sfncallback.local.asl;

/** One state of a definition: only the state types the local stack runs. */
public sealed interface State permits TaskState, ChoiceState, FailState, SucceedState {
    String name();
}
