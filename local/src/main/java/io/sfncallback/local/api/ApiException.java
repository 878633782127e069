package io.sfncallback.local.api;

/**
 * An error answer of the Step Functions API: HTTP 400 with {@code {"__type": type, "message": message}}, the
 * AWS JSON 1.0 error shape the SDKs and the CLI turn into typed exceptions.
 */
public final class ApiException extends Exception {
    private final String type;

    public ApiException(String type, String message) {
        super(message);
        this.type = type;
    }

    public String type() {
        return type;
    }

    static ApiException validation(String message) {
        return new ApiException("ValidationException", "1 validation error detected: " + message);
    }
}
