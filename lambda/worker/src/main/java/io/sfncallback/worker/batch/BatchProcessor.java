package io.sfncallback.worker.batch;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.worker.callback.HeartbeatScheduler;
import io.sfncallback.worker.message.TaskMessageParser;
import io.sfncallback.worker.retry.RetryDelay;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the records of one batch concurrently, within the invocation's deadline, and covers each one
 * from the moment the batch arrives until its final disposition.
 *
 * <p>On arrival every record with a token gets its first heartbeat (see {@link HeartbeatScheduler}).
 * Records are independent, so up to {@code maxConcurrent} run at once and a batch of ten costs about
 * one callback round trip; the others wait for a slot, heartbeated, and one whose task turns out
 * closed while it waits is never started. Each record's outcome is settled exactly once, on
 * whichever thread decides it, and its {@link Disposition} (retry delay, end of the heartbeats)
 * follows at once: a record to deliver again never waits for a slow batch mate.
 *
 * <p>When the deadline nears, records not yet started are settled as not started (and so get their
 * retry delay) at once; records still running are settled as unfinished and interrupted when the
 * worker has to stop waiting for them, so the batch response always goes back before Lambda's
 * timeout. The calling thread collects the outcomes in record order; no collection is shared
 * between threads.
 */
public final class BatchProcessor {

    private final TaskMessageParser parser;
    private final HeartbeatScheduler heartbeats;
    private final RecordProcessor records;
    private final Disposition disposition;
    private final ExecutorService workers;
    private final int maxConcurrent;

    public BatchProcessor(TaskMessageParser parser, HeartbeatScheduler heartbeats, RecordProcessor records,
            RetryDelay retryDelay, ExecutorService workers, int maxConcurrent) {
        this.parser = Objects.requireNonNull(parser, "parser");
        this.heartbeats = Objects.requireNonNull(heartbeats, "heartbeats");
        this.records = Objects.requireNonNull(records, "records");
        this.disposition = new Disposition(retryDelay);
        this.workers = Objects.requireNonNull(workers, "workers");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1: " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
    }

    /** One outcome per message, in the order of {@code messages}. */
    public List<RecordOutcome> process(List<SQSMessage> messages, Invocation invocation) {
        List<TrackedRecord> batch = new ArrayList<>(messages.size());
        try {
            List<CompletableFuture<Void>> disposed = new ArrayList<>(messages.size());
            for (SQSMessage message : messages) {
                TrackedRecord record = TrackedRecord.receive(message, parser, heartbeats, invocation);
                batch.add(record);
                disposed.add(record.outcome().toCompletableFuture()
                        .thenCompose(outcome -> disposition.of(record, outcome, invocation)));
            }
            List<Started> started = startAll(batch, invocation);
            awaitRunning(started, invocation);
            awaitDispositions(disposed, invocation);
            return batch.stream().map(TrackedRecord::settledOutcome).toList();
        } finally {
            // Whatever is still heartbeated is handed back by the response that follows.
            batch.forEach(TrackedRecord::closeHeartbeat);
        }
    }

    private record Started(TrackedRecord record, Future<?> work) {
    }

    /** Starts records as slots free up; settles the rest as not started once the time to start has passed. */
    private List<Started> startAll(List<TrackedRecord> batch, Invocation invocation) {
        Semaphore slots = new Semaphore(maxConcurrent);
        List<Started> started = new ArrayList<>(batch.size());
        for (TrackedRecord record : batch) {
            if (!record.isWaiting()) {
                continue; // settled on arrival, or its task closed while it waited
            }
            if (!takeSlot(slots, invocation.deadline())) {
                break;
            }
            if (!record.start()) {
                slots.release();
                continue;
            }
            started.add(new Started(record, workers.submit(() -> {
                try {
                    record.settle(records.process(record, invocation));
                } finally {
                    slots.release();
                }
            })));
        }
        for (TrackedRecord record : batch) {
            if (record.claimUnstarted()) {
                record.settle(Settlement.of(Outcome.NOT_STARTED, "too little of the invocation was left to start this record"));
            }
        }
        return started;
    }

    /** Waits for a free slot while records may still start; false when the time to start has passed. */
    private static boolean takeSlot(Semaphore slots, Deadline deadline) {
        try {
            long wait = deadline.millisUntilNoStart();
            if (wait <= 0 || !slots.tryAcquire(wait, TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (!deadline.canStart()) {
            slots.release();
            return false;
        }
        return true;
    }

    private static void awaitRunning(List<Started> started, Invocation invocation) {
        for (Started run : started) {
            try {
                run.work().get(Math.max(0, invocation.deadline().millisUntilReturn()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                cutOff(run, "the record was still running when the invocation had to return");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cutOff(run, "the invocation was interrupted");
            } catch (ExecutionException e) {
                // RecordProcessor only lets errors through that the JVM cannot continue after.
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("record processing failed unexpectedly", e.getCause());
            }
        }
    }

    private static void cutOff(Started run, String detail) {
        if (run.record().settle(Settlement.of(Outcome.NOT_FINISHED, detail))) {
            run.work().cancel(true);
        }
    }

    /** Waits, while the deadline allows, for the retry delays still on their way. */
    private static void awaitDispositions(List<CompletableFuture<Void>> disposed, Invocation invocation) {
        int unfinished = 0;
        for (CompletableFuture<Void> disposition : disposed) {
            try {
                disposition.get(Math.max(0, invocation.deadline().millisUntilRespond()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                unfinished++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                // A disposition that failed has logged why; the record's outcome stands.
            }
        }
        if (unfinished > 0) {
            invocation.log().at(LogLevel.WARN, "retry delays still on their way when the invocation had to return")
                    .with("records", unfinished)
                    .write();
        }
    }
}
