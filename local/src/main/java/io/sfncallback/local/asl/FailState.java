package io.sfncallback.local.asl;

/**
 * A {@code Fail} state. Exactly one of {@code error} / {@code errorPath} may be set (both may be absent), and
 * the same for the cause; the paths may read the state input or the context object ({@code $$.State.Name}):
 * see https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html
 */
public record FailState(String name, String error, StatePath errorPath, String cause, StatePath causePath)
        implements State {
}
