package io.sfncallback.testkit;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds SQS records the way the event source mapping delivers them. */
public final class Messages {

    private Messages() {
    }

    public static SQSMessage message(String id, String body) {
        return message(id, body, 1);
    }

    public static SQSMessage message(String id, String body, int receiveCount) {
        SQSMessage message = new SQSMessage();
        message.setMessageId(id);
        message.setReceiptHandle("receipt-" + id);
        message.setBody(body);
        message.setEventSource("aws:sqs");
        message.setEventSourceArn("arn:aws:sqs:us-east-1:123456789012:tasks");
        message.setAwsRegion("us-east-1");
        message.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
        return message;
    }

    /** The body Step Functions sends for {@code input}. */
    public static String body(String token, JsonElement input) {
        JsonObject body = new JsonObject();
        body.addProperty("TaskToken", token);
        body.addProperty("ExecutionArn", executionArn(token));
        body.add("Input", input);
        return body.toString();
    }

    /** The execution a test token belongs to; its name is derived from, but does not contain, the token. */
    public static String executionArn(String token) {
        return "arn:aws:states:us-east-1:123456789012:execution:callback:exec-" + Integer.toHexString(token.hashCode());
    }

    public static String body(String token, String inputJson) {
        return body(token, com.google.gson.JsonParser.parseString(inputJson));
    }

    public static SQSEvent event(SQSMessage... messages) {
        return event(Arrays.asList(messages));
    }

    public static SQSEvent event(List<SQSMessage> messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }
}
