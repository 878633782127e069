package io.sfncallback.local.support;

import io.sfncallback.local.engine.MessageSender;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A MessageSender that keeps what the Task sends, so a test can play the worker; it can be told to fail. */
public final class RecordingSender implements MessageSender {

    public record Sent(String queueUrl, String body) {
    }

    private final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    private final AtomicInteger failuresToSimulate = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();

    @Override
    public SentMessage send(String queueUrl, String body, Integer delaySeconds, String messageGroupId,
            String messageDeduplicationId) throws SendFailure {
        attempts.incrementAndGet();
        if (failuresToSimulate.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            throw new SendFailure("SQS.AmazonSQSException", "The specified queue does not exist.");
        }
        sent.add(new Sent(queueUrl, body));
        return new SentMessage(UUID.randomUUID().toString(), "d41d8cd98f00b204e9800998ecf8427e");
    }

    public void failNext(int times) {
        failuresToSimulate.set(times);
    }

    public int attempts() {
        return attempts.get();
    }

    public Sent next(Duration timeout) throws InterruptedException {
        Sent message = sent.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no message was sent within " + timeout.toSeconds() + " s");
        }
        return message;
    }
}
