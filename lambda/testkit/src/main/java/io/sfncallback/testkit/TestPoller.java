package io.sfncallback.testkit;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Behaves like Lambda's SQS event source mapping with ReportBatchItemFailures: receive a batch
 * (with ApproximateReceiveCount), invoke the handler, delete what succeeded, leave the batch item
 * failures to become visible again (and be redriven to the DLQ by the queue), and leave the whole
 * batch when the handler throws.
 */
public final class TestPoller {

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
    private final int batchSize;
    private final AtomicInteger invocations = new AtomicInteger();

    public TestPoller(SqsClient sqs, String queueUrl, String queueArn,
            RequestHandler<SQSEvent, SQSBatchResponse> handler, int batchSize) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.handler = handler;
        this.batchSize = batchSize;
    }

    /** One receive-invoke-delete round; returns how many records it handed to the handler. */
    public int pollOnce(CapturingLogger logger) {
        return pollOnce(logger, count -> { });
    }

    /**
     * One receive-invoke-delete round; {@code onReceived} learns how many records were received
     * before the handler runs. Safe to call from several threads, like concurrent invocations.
     */
    public int pollOnce(CapturingLogger logger, IntConsumer onReceived) {
        List<Message> received = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                .maxNumberOfMessages(batchSize)
                .waitTimeSeconds(1)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        onReceived.accept(received.size());
        if (received.isEmpty()) {
            return 0;
        }
        invocations.incrementAndGet();
        List<SQSMessage> records = received.stream().map(this::record).toList();
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        Set<String> failed;
        try {
            SQSBatchResponse response = handler.handleRequest(event, TestContext.relaxed(logger));
            failed = response.getBatchItemFailures().stream()
                    .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                    .collect(Collectors.toSet());
        } catch (RuntimeException e) {
            return received.size(); // the whole batch comes back
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message message : received) {
            if (!failed.contains(message.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(done.size())).receiptHandle(message.receiptHandle()).build());
            }
        }
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
        }
        return received.size();
    }

    public int invocations() {
        return invocations.get();
    }

    private SQSMessage record(Message message) {
        SQSMessage record = new SQSMessage();
        record.setMessageId(message.messageId());
        record.setReceiptHandle(message.receiptHandle());
        record.setBody(message.body());
        record.setMd5OfBody(message.md5OfBody());
        record.setEventSource("aws:sqs");
        record.setEventSourceArn(queueArn);
        record.setAwsRegion("us-east-1");
        Map<String, String> attributes = new HashMap<>();
        message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
        record.setAttributes(attributes);
        return record;
    }
}
