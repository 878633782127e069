package io.sfncallback.local.esm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * A local SQS event source mapping with ReportBatchItemFailures: {@code maxConcurrency} pollers, each owning one
 * execution environment, long-poll the queue, invoke the function with batches of up to {@code batchSize} records
 * (gathered for up to {@code batchingWindowSeconds}), delete the records that succeeded and leave the rest to
 * come back after their visibility timeout; a handler that throws or runs out of time fails the whole batch.
 * So at most {@code maxConcurrency} invocations run at once, as with the mapping's maximum concurrency.
 */
public final class EventSourceMapping implements AutoCloseable {

    /** The mapping's settings (the Terraform event source mapping's arguments, plus the local poll wait). */
    public record Settings(String queueUrl, int batchSize, int batchingWindowSeconds, int maxConcurrency,
            int functionTimeoutSeconds, int pollWaitSeconds) {
    }

    private static final int SQS_MAX_RECEIVE = 10;

    private final SqsClient sqs;
    private final WorkerFunction function;
    private final Settings settings;
    private final LogSink log;
    private final List<Thread> pollers = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicLong invocations = new AtomicLong();
    private volatile boolean running;

    public EventSourceMapping(SqsClient sqs, WorkerFunction function, Settings settings, LogSink log) {
        this.sqs = sqs;
        this.function = function;
        this.settings = settings;
        this.log = log;
    }

    /**
     * Starts the pollers. The first execution environment is initialised here, before any record is taken, so a
     * function that cannot initialise (a bad setting, a missing class) fails the start at once with its init error
     * instead of failing every batch later.
     *
     * @throws WorkerFunction.InvocationFailure when the function's init phase fails
     */
    public synchronized void start() throws WorkerFunction.InvocationFailure {
        WorkerFunction.Environment first = function.newEnvironment();
        first.init();
        running = true;
        for (int i = 1; i <= settings.maxConcurrency(); i++) {
            WorkerFunction.Environment environment = i == 1 ? first : function.newEnvironment();
            Thread poller = Thread.ofPlatform().name("esm-poller-" + i).daemon(true).start(() -> poll(environment));
            pollers.add(poller);
        }
    }

    /** Invocations so far. */
    public long invocations() {
        return invocations.get();
    }

    /** The most invocations that ran at the same time. */
    public int maxConcurrentInvocations() {
        return maxInFlight.get();
    }

    private void poll(WorkerFunction.Environment initial) {
        ExecutorService environmentThread = newEnvironmentThread();
        WorkerFunction.Environment environment = initial;
        while (running) {
            List<Message> batch;
            try {
                batch = receiveBatch();
            } catch (SdkException e) {
                if (running) {
                    note("WARN", "receive from the tasks queue failed: " + e.getMessage());
                    pause();
                }
                continue;
            }
            if (batch.isEmpty() || !running) {
                continue;
            }
            WorkerFunction.Environment invoked = environment;
            long deadline = System.currentTimeMillis() + settings.functionTimeoutSeconds() * 1000L;
            Future<BatchOutcome> result = environmentThread.submit(() -> invoked.invoke(batch, deadline));
            trackStart();
            BatchOutcome outcome;
            try {
                outcome = result.get(settings.functionTimeoutSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                result.cancel(true);
                environmentThread.shutdownNow();
                environmentThread = newEnvironmentThread();
                environment = function.newEnvironment();
                outcome = BatchOutcome.wholeBatch("Task timed out after " + settings.functionTimeoutSeconds()
                        + " seconds");
            } catch (ExecutionException e) {
                outcome = BatchOutcome.wholeBatch("the handler threw " + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                inFlight.decrementAndGet();
            }
            settle(batch, outcome);
        }
        environmentThread.shutdownNow();
    }

    private List<Message> receiveBatch() {
        List<Message> batch = new ArrayList<>(receive(settings.pollWaitSeconds(), settings.batchSize()));
        if (batch.isEmpty()) {
            return batch;
        }
        long windowEnds = System.currentTimeMillis() + settings.batchingWindowSeconds() * 1000L;
        while (running && batch.size() < settings.batchSize()) {
            long left = windowEnds - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            batch.addAll(receive((int) Math.min(20, Math.max(1, left / 1000)), settings.batchSize() - batch.size()));
        }
        return batch;
    }

    private List<Message> receive(int waitSeconds, int wanted) {
        return sqs.receiveMessage(ReceiveMessageRequest.builder()
                .queueUrl(settings.queueUrl())
                .maxNumberOfMessages(Math.min(SQS_MAX_RECEIVE, wanted))
                .waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                        MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.SENDER_ID,
                        MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP)
                .build()).messages();
    }

    private void settle(List<Message> batch, BatchOutcome outcome) {
        invocations.incrementAndGet();
        if (outcome.wholeBatchFailed()) {
            note("ERROR", "invocation failed, all " + batch.size() + " records will be retried: " + outcome.reason());
            return;
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message message : batch) {
            if (!outcome.failedMessageIds().contains(message.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(done.size()))
                        .receiptHandle(message.receiptHandle())
                        .build());
            }
        }
        for (int from = 0; from < done.size(); from += SQS_MAX_RECEIVE) {
            List<DeleteMessageBatchRequestEntry> chunk = done.subList(from, Math.min(done.size(), from + SQS_MAX_RECEIVE));
            try {
                var response = sqs.deleteMessageBatch(DeleteMessageBatchRequest.builder()
                        .queueUrl(settings.queueUrl()).entries(chunk).build());
                if (!response.failed().isEmpty()) {
                    note("WARN", "could not delete " + response.failed().size() + " processed records: "
                            + response.failed());
                }
            } catch (SdkException e) {
                note("WARN", "could not delete processed records: " + e.getMessage());
            }
        }
    }

    private void trackStart() {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    private ExecutorService newEnvironmentThread() {
        return Executors.newSingleThreadExecutor(Thread.ofPlatform().name("lambda-environment-", 1).daemon(true).factory());
    }

    private void note(String level, String message) {
        log.line(level, "[event-source-mapping] " + message);
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread poller : pollers) {
            try {
                poller.join(TimeUnit.SECONDS.toMillis(settings.pollWaitSeconds() + 5L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
