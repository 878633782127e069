package io.sfncallback.local.functions;

import com.google.gson.JsonElement;

/**
 * A Lambda function the local stack runs in process for the {@code lambda:invoke.waitForTaskToken} integration: it
 * receives the task's {@code Payload} and returns the invoke's response payload (or null). Whatever it throws is a
 * function error, reported as Lambda reports a Java function's unhandled exception.
 */
@FunctionalInterface
public interface LocalFunction {

    JsonElement handle(JsonElement payload) throws Exception;
}
