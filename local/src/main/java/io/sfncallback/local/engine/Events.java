package io.sfncallback.local.engine;

import com.google.gson.JsonObject;
import io.sfncallback.local.asl.Integration;

/** Builders of history event details, with the member names of the Step Functions API's HistoryEvent. */
final class Events {

    private Events() {
    }

    static JsonObject executionStarted(String input, String roleArn, String stateMachineArn) {
        JsonObject details = new JsonObject();
        details.addProperty("input", input);
        details.add("inputDetails", notTruncated());
        details.addProperty("roleArn", roleArn);
        details.addProperty("stateMachineArn", stateMachineArn);
        return details;
    }

    static JsonObject stateEntered(String name, String input) {
        JsonObject details = new JsonObject();
        details.addProperty("name", name);
        details.addProperty("input", input);
        details.add("inputDetails", notTruncated());
        return details;
    }

    static JsonObject stateExited(String name, String output) {
        JsonObject details = new JsonObject();
        details.addProperty("name", name);
        details.addProperty("output", output);
        details.add("outputDetails", notTruncated());
        return details;
    }

    static JsonObject taskScheduled(Integration integration, String region, String parameters, Integer timeoutSeconds,
            Integer heartbeatSeconds) {
        JsonObject details = resource(integration);
        details.addProperty("region", region);
        details.addProperty("parameters", parameters);
        if (timeoutSeconds != null) {
            details.addProperty("timeoutInSeconds", timeoutSeconds);
        }
        if (heartbeatSeconds != null) {
            details.addProperty("heartbeatInSeconds", heartbeatSeconds);
        }
        return details;
    }

    static JsonObject resource(Integration integration) {
        JsonObject details = new JsonObject();
        details.addProperty("resourceType", integration.resourceType());
        details.addProperty("resource", integration.resource());
        return details;
    }

    static JsonObject resourceOutput(Integration integration, String output) {
        JsonObject details = resource(integration);
        details.addProperty("output", output);
        details.add("outputDetails", notTruncated());
        return details;
    }

    static JsonObject resourceError(Integration integration, String error, String cause) {
        JsonObject details = resource(integration);
        addErrorAndCause(details, error, cause);
        return details;
    }

    static JsonObject output(String output) {
        JsonObject details = new JsonObject();
        details.addProperty("output", output);
        details.add("outputDetails", notTruncated());
        return details;
    }

    static JsonObject errorAndCause(String error, String cause) {
        JsonObject details = new JsonObject();
        addErrorAndCause(details, error, cause);
        return details;
    }

    private static void addErrorAndCause(JsonObject details, String error, String cause) {
        if (error != null) {
            details.addProperty("error", error);
        }
        if (cause != null) {
            details.addProperty("cause", cause);
        }
    }

    private static JsonObject notTruncated() {
        JsonObject details = new JsonObject();
        details.addProperty("truncated", false);
        return details;
    }
}
