package io.sfncallback.local.esm;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Converts SQS messages into the jar's own {@code SQSEvent} and reads its {@code SQSBatchResponse}, by reflection
 * on the classes of the function's class loader (the shape the Lambda SQS event has:
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).
 */
final class SqsEvents {

    private static final String EVENTS = "com.amazonaws.services.lambda.runtime.events.";

    private final Class<?> eventType;
    private final Class<?> messageType;
    private final String queueArn;
    private final String region;

    SqsEvents(ClassLoader loader, String queueArn, String region) throws ClassNotFoundException {
        this.eventType = loader.loadClass(EVENTS + "SQSEvent");
        this.messageType = loader.loadClass(EVENTS + "SQSEvent$SQSMessage");
        this.queueArn = queueArn;
        this.region = region;
    }

    Class<?> eventType() {
        return eventType;
    }

    Object event(List<Message> messages) throws ReflectiveOperationException {
        List<Object> records = new ArrayList<>();
        for (Message message : messages) {
            Object record = messageType.getConstructor().newInstance();
            set(record, "setMessageId", String.class, message.messageId());
            set(record, "setReceiptHandle", String.class, message.receiptHandle());
            set(record, "setBody", String.class, message.body());
            set(record, "setMd5OfBody", String.class, message.md5OfBody());
            set(record, "setEventSource", String.class, "aws:sqs");
            set(record, "setEventSourceArn", String.class, queueArn);
            set(record, "setAwsRegion", String.class, region);
            Map<String, String> attributes = new HashMap<>();
            for (Map.Entry<MessageSystemAttributeName, String> attribute : message.attributes().entrySet()) {
                attributes.put(attribute.getKey().toString(), attribute.getValue());
            }
            set(record, "setAttributes", Map.class, attributes);
            set(record, "setMessageAttributes", Map.class, new HashMap<>());
            records.add(record);
        }
        Object event = eventType.getConstructor().newInstance();
        set(event, "setRecords", List.class, records);
        return event;
    }

    /**
     * The message ids to retry. Like Lambda, a response naming an empty, null or unknown item identifier fails the
     * whole batch: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
     */
    BatchOutcome outcome(Object response, List<Message> batch) throws ReflectiveOperationException {
        if (response == null) {
            return BatchOutcome.success();
        }
        Object failures = response.getClass().getMethod("getBatchItemFailures").invoke(response);
        if (failures == null) {
            return BatchOutcome.success();
        }
        Set<String> known = new LinkedHashSet<>();
        batch.forEach(message -> known.add(message.messageId()));
        Set<String> failed = new LinkedHashSet<>();
        for (Object failure : (List<?>) failures) {
            Object id = failure == null ? null : failure.getClass().getMethod("getItemIdentifier").invoke(failure);
            if (!(id instanceof String text) || text.isEmpty() || !known.contains(text)) {
                return BatchOutcome.wholeBatch("the response names item identifier " + id
                        + ", which is not a message of this batch");
            }
            failed.add(text);
        }
        return BatchOutcome.partial(failed);
    }

    private static void set(Object target, String setter, Class<?> type, Object value)
            throws ReflectiveOperationException {
        Method method = target.getClass().getMethod(setter, type);
        method.invoke(target, value);
    }
}
