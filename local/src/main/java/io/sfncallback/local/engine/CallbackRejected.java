package io.sfncallback.local.engine;

/**
 * A SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat the engine refused, with the AWS error code it answers:
 * {@code InvalidToken} for a token it never issued, {@code TaskTimedOut} for a task that is already closed
 * (completed, timed out, or its execution stopped).
 */
public final class CallbackRejected extends Exception {
    private final String errorCode;

    CallbackRejected(String errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public String errorCode() {
        return errorCode;
    }
}
