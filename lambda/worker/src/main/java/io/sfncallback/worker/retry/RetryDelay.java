package io.sfncallback.worker.retry;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.worker.batch.Invocation;
import io.sfncallback.worker.batch.RecordOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Brings records that will be delivered again back soon: each one's visibility timeout is set to
 * {@code RETRY_DELAY_SECONDS} as soon as its outcome is known.
 *
 * <p>Without this a failed record would wait out the queue's whole visibility timeout (six times
 * the function timeout) before its next attempt, long after the state's {@code HeartbeatSeconds}
 * have failed the execution; and it must not wait for the slowest record of its batch either, since
 * nothing heartbeats it once its delay is set. A failure here is logged and otherwise ignored: the
 * record still comes back, only later.
 *
 * <p>Records are sent with ChangeMessageVisibilityBatch, ten at most per call
 * (<a href="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibilityBatch.html">API reference</a>).
 * Records that become ready while a call is on its way share the next call, so records that finish
 * together cost one call, and none waits for more than the call in front of it; when a full call's
 * worth is waiting (a deadline that leaves many records unstarted), up to
 * {@value #MAX_CALLS_IN_FLIGHT} calls go out in parallel. The calls run on {@code executor}.
 *
 * <p>The SQS caller is built on first use, so invocations without failures never pay for it.
 */
public final class RetryDelay {

    /** ChangeMessageVisibilityBatch takes at most ten entries. */
    static final int MAX_BATCH = 10;

    /** Calls in flight at once when a backlog builds up. */
    static final int MAX_CALLS_IN_FLIGHT = 4;

    private final String queueUrl;
    private final int delaySeconds;
    private final Supplier<SqsVisibility> sqs;
    private final Executor executor;
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicInteger callsInFlight = new AtomicInteger();

    private record Pending(RecordOutcome record, Invocation invocation, CompletableFuture<Void> done) {
    }

    /**
     * @param queueUrl the tasks queue, or {@code null} to leave failed records' visibility alone
     * @param sqs      supplies the client on first use; called at most once
     * @param executor runs the SQS calls
     */
    public RetryDelay(String queueUrl, Duration delay, Supplier<SqsVisibility> sqs, Executor executor) {
        this.queueUrl = queueUrl;
        this.delaySeconds = Math.toIntExact(delay.toSeconds());
        this.sqs = memoize(Objects.requireNonNull(sqs, "sqs"));
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** False when no queue URL is configured: records then come back after the queue's visibility timeout. */
    public boolean enabled() {
        return queueUrl != null;
    }

    /**
     * Sets the retry delay on {@code record}, soon, on another thread.
     *
     * @return completes when the delay is set, or when setting it failed (and was logged); at once
     *     when there is nothing to do (no queue URL, or no receipt handle)
     */
    public CompletableFuture<Void> delay(RecordOutcome record, Invocation invocation) {
        if (!enabled() || record.receiptHandle() == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.add(new Pending(record, invocation, done));
        pendingCount.incrementAndGet();
        startCallIfNeeded();
        return done;
    }

    /** One call at a time while records trickle in; more when a full call's worth is waiting. */
    private void startCallIfNeeded() {
        while (true) {
            int inFlight = callsInFlight.get();
            boolean needed = inFlight == 0 || (inFlight < MAX_CALLS_IN_FLIGHT && pendingCount.get() >= MAX_BATCH);
            if (!needed) {
                return;
            }
            if (callsInFlight.compareAndSet(inFlight, inFlight + 1)) {
                try {
                    executor.execute(this::drain);
                } catch (RejectedExecutionException e) {
                    callsInFlight.decrementAndGet();
                    failAll("the worker is shutting down");
                }
                return;
            }
        }
    }

    private void drain() {
        while (true) {
            List<Pending> chunk = take();
            if (!chunk.isEmpty()) {
                send(chunk);
                continue;
            }
            callsInFlight.decrementAndGet();
            // A record queued after take() saw this call still in flight and started none: take it now.
            if (pending.isEmpty()) {
                return;
            }
            callsInFlight.incrementAndGet();
        }
    }

    private List<Pending> take() {
        List<Pending> chunk = new ArrayList<>(MAX_BATCH);
        Pending next;
        while (chunk.size() < MAX_BATCH && (next = pending.poll()) != null) {
            pendingCount.decrementAndGet();
            chunk.add(next);
        }
        return chunk;
    }

    private void send(List<Pending> chunk) {
        List<SqsVisibility.Entry> entries = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            entries.add(new SqsVisibility.Entry("r" + i, chunk.get(i).record().receiptHandle(), delaySeconds));
        }
        try {
            for (SqsVisibility.Failure failed : sqs.get().changeVisibility(queueUrl, entries)) {
                Pending entry = chunk.get(Integer.parseInt(failed.id().substring(1)));
                warn(entry, failed.code() + ": " + failed.message());
            }
        } catch (SqsVisibility.SqsCallException | RuntimeException e) {
            chunk.forEach(entry -> warn(entry, e.getMessage()));
        } finally {
            chunk.forEach(entry -> entry.done().complete(null));
        }
    }

    private void failAll(String detail) {
        List<Pending> chunk;
        while (!(chunk = take()).isEmpty()) {
            chunk.forEach(entry -> {
                warn(entry, detail);
                entry.done().complete(null);
            });
        }
    }

    private static void warn(Pending entry, String detail) {
        entry.invocation().log().at(LogLevel.WARN, "retry delay not set; the record comes back after the queue's visibility timeout")
                .with("messageId", entry.record().messageId())
                .with("detail", detail)
                .write();
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T current = value;
                if (current == null) {
                    synchronized (this) {
                        current = value;
                        if (current == null) {
                            current = supplier.get();
                            value = current;
                        }
                    }
                }
                return current;
            }
        };
    }
}
