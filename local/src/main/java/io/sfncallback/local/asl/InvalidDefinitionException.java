package io.sfncallback.local.asl;

/** A state machine definition that is not valid ASL, or uses ASL the local stack does not interpret. */
public final class InvalidDefinitionException extends Exception {
    public InvalidDefinitionException(String message) {
        super(message);
    }
}
