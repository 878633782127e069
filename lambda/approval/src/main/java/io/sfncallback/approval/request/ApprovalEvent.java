package io.sfncallback.approval.request;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.sfncallback.core.approval.ApprovalRequests;
import io.sfncallback.core.approval.ReadableText;

/**
 * The approval task's payload, as the state machine sends it:
 * {@code {"TaskToken": $$.Task.Token, "ExecutionArn": $$.Execution.Id, "Request": $.result.approvalRequest}},
 * where the request is {@code {"summary": "…"}}.
 */
public sealed interface ApprovalEvent {

    /** A summary may not be longer than this many characters: what the worker's TaskResult.requestApproval lets through. */
    int MAX_SUMMARY_LENGTH = ApprovalRequests.MAX_SUMMARY_LENGTH;
    /** Step Functions' own limit on a task token. */
    int MAX_TOKEN_LENGTH = 2_048;

    /** A request the handler can send. */
    record Valid(String taskToken, String executionArn, String summary) implements ApprovalEvent {
        @Override
        public String toString() {
            return "Valid[executionArn=" + executionArn + "]";
        }
    }

    /** A request that is wrong; the task can still be failed with {@code cause}. */
    record Invalid(String taskToken, String executionArn, String cause) implements ApprovalEvent {
        @Override
        public String toString() {
            return "Invalid[cause=" + cause + "]";
        }
    }

    /** No usable task token: nobody can be told; the invocation itself must fail. */
    record Unanswerable(String cause) implements ApprovalEvent {
    }

    static ApprovalEvent parse(JsonElement payload) {
        if (payload == null || !payload.isJsonObject()) {
            return new Unanswerable("the payload is not a JSON object with TaskToken, ExecutionArn and Request");
        }
        JsonObject event = payload.getAsJsonObject();
        String token = text(event, "TaskToken");
        if (token == null) {
            token = text(event, "taskToken");
        }
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return new Unanswerable("the payload has no TaskToken of 1 to " + MAX_TOKEN_LENGTH + " characters");
        }
        String executionArn = text(event, "ExecutionArn");
        if (executionArn == null || executionArn.isBlank()) {
            return new Invalid(token, null, "The approval task's payload has no ExecutionArn; the state machine must pass $$.Execution.Id.");
        }
        JsonElement request = event.get("Request");
        if (request == null || !request.isJsonObject()) {
            return new Invalid(token, executionArn, "The approval request must be a JSON object such as {\"summary\": \"…\"}; got "
                    + (request == null || request.isJsonNull() ? "nothing" : kind(request)) + ".");
        }
        JsonElement summary = request.getAsJsonObject().get("summary");
        if (!(summary instanceof JsonPrimitive primitive) || !primitive.isString()) {
            return new Invalid(token, executionArn, "The approval request needs a \"summary\" string saying what is to be approved; got "
                    + (summary == null || summary.isJsonNull() ? "nothing" : kind(summary)) + ".");
        }
        String text = summary.getAsString();
        if (text.isBlank()) {
            return new Invalid(token, executionArn, "The approval request's summary is blank; say what is to be approved.");
        }
        // Characters are code points, as TaskResult.requestApproval counts them.
        int length = text.codePointCount(0, text.length());
        if (length > MAX_SUMMARY_LENGTH) {
            return new Invalid(token, executionArn, "The approval request's summary has " + length
                    + " characters; at most " + MAX_SUMMARY_LENGTH + " are allowed.");
        }
        // What the approver reads must be what the workflow holds (ReadableText: no bidi overrides,
        // zero-width or other hidden characters).
        java.util.Optional<String> hidden = ReadableText.refusal("The approval request's summary", text);
        if (hidden.isPresent()) {
            return new Invalid(token, executionArn, hidden.get() + ".");
        }
        return new Valid(token, executionArn, text);
    }

    private static String text(JsonObject object, String name) {
        JsonElement value = object.get(name);
        return value instanceof JsonPrimitive primitive && primitive.isString() ? primitive.getAsString() : null;
    }

    private static String kind(JsonElement element) {
        if (element.isJsonArray()) {
            return "an array";
        }
        if (element.isJsonObject()) {
            return "an object";
        }
        JsonPrimitive primitive = element.getAsJsonPrimitive();
        return primitive.isNumber() ? "a number" : primitive.isBoolean() ? "a boolean" : "a string";
    }
}
