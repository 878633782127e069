package io.sfncallback.local.engine;

import com.google.gson.JsonElement;

/**
 * Invokes a Lambda function synchronously for the {@code lambda:invoke.waitForTaskToken} integration: the local
 * stack's stand-in for the Lambda Invoke API.
 */
@FunctionalInterface
public interface FunctionInvoker {

    /** No function at all: every name is unknown. */
    FunctionInvoker NONE = (functionName, payload) -> new Outcome.ServiceError("Lambda.ResourceNotFoundException",
            "Function not found: " + functionName + " (Service: AWSLambda; Status Code: 404; Error Code: "
                    + "ResourceNotFoundException; Request ID: " + java.util.UUID.randomUUID() + "; Proxy: null)");

    /** Invokes {@code functionName} (a name, a name with a qualifier, or an ARN) with {@code payload}. */
    Outcome invoke(String functionName, JsonElement payload);

    /** What the Invoke answered. */
    sealed interface Outcome {
        /** The function returned {@code payload} (JSON null when it returned nothing). */
        record Returned(String executedVersion, JsonElement payload) implements Outcome {
        }

        /** The function threw: the task fails with {@code errorType} and the error payload as the cause. */
        record FunctionError(String errorType, String errorPayload) implements Outcome {
        }

        /** Lambda itself refused the call (e.g. an unknown function): the task fails with {@code error}. */
        record ServiceError(String error, String cause) implements Outcome {
        }
    }
}
