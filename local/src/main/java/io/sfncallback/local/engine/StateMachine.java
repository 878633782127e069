package io.sfncallback.local.engine;

import io.sfncallback.local.asl.StateMachineDefinition;
import java.time.Instant;

/** A created state machine: its ARN, name, definition text as given and as parsed. STANDARD only. */
public record StateMachine(String arn, String name, String definitionText, StateMachineDefinition definition,
        String roleArn, Instant creationDate) {
}
