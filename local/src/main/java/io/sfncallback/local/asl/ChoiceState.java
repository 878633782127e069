package io.sfncallback.local.asl;

import java.util.List;

/**
 * A {@code Choice} state: the first rule that matches names the next state; else {@code defaultNext}; with neither,
 * the execution fails with {@code States.NoChoiceMatched}
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html).
 */
public record ChoiceState(String name, List<Choice> choices, String defaultNext) implements State {

    public ChoiceState {
        choices = List.copyOf(choices);
    }

    /** A top-level Choice Rule and the state it leads to. */
    public record Choice(ChoiceRule rule, String next) {
    }
}
