package io.sfncallback.local.asl;

import java.util.Map;

/** A parsed, validated definition. {@code timeoutSeconds} is the top-level TimeoutSeconds, or null. */
public record StateMachineDefinition(String startAt, Map<String, State> states, Integer timeoutSeconds) {
    public StateMachineDefinition {
        states = Map.copyOf(states);
    }

    public State state(String name) {
        State state = states.get(name);
        if (state == null) {
            throw new IllegalArgumentException("no state " + name);
        }
        return state;
    }
}
