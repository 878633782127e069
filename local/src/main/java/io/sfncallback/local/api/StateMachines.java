package io.sfncallback.local.api;

import io.sfncallback.local.asl.DefinitionParser;
import io.sfncallback.local.asl.InvalidDefinitionException;
import io.sfncallback.local.asl.StateMachineDefinition;
import io.sfncallback.local.engine.StateMachine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The state machines of the local account: created once, never updated or deleted while the stack runs. */
public final class StateMachines {

    private final Arns arns;
    private final Clock clock;
    private final DefinitionParser parser;
    private final ConcurrentMap<String, StateMachine> byArn = new ConcurrentHashMap<>();

    public StateMachines(Arns arns, Clock clock, DefinitionParser parser) {
        this.arns = arns;
        this.clock = clock;
        this.parser = parser;
    }

    /**
     * Creates a state machine. Like AWS, creating one again with the same name, definition and role returns the
     * existing one; the same name with anything else is StateMachineAlreadyExists.
     */
    public synchronized StateMachine create(String name, String definitionText, String roleArn) throws ApiException {
        StateMachineDefinition definition;
        try {
            definition = parser.parse(definitionText);
        } catch (InvalidDefinitionException e) {
            throw new ApiException("InvalidDefinition", "Invalid State Machine Definition: '" + e.getMessage() + "'");
        }
        String arn = arns.stateMachine(name);
        StateMachine existing = byArn.get(arn);
        if (existing != null) {
            if (existing.definitionText().equals(definitionText) && existing.roleArn().equals(roleArn)) {
                return existing;
            }
            throw new ApiException("StateMachineAlreadyExists", "State Machine Already Exists: '" + arn + "'");
        }
        StateMachine created = new StateMachine(arn, name, definitionText, definition, roleArn, clock.instant());
        byArn.put(arn, created);
        return created;
    }

    public Optional<StateMachine> find(String arn) {
        return Optional.ofNullable(byArn.get(arn));
    }

    public List<StateMachine> list() {
        List<StateMachine> list = new ArrayList<>(byArn.values());
        list.sort(Comparator.comparing(StateMachine::name));
        return list;
    }
}
