package io.sfncallback.worker.batch;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the records of one batch concurrently, within the invocation's deadline.
 *
 * <p>Records are independent, so up to {@code maxConcurrent} run at once and a batch of ten costs
 * about one callback round trip. Each record's outcome comes back through its own {@link Future}
 * and is collected on the calling thread, in record order: no collection is shared between
 * threads. When the deadline nears, records not yet started are reported without being started,
 * and records still running are reported as unfinished and interrupted, so the batch response
 * always goes back before Lambda's timeout.
 */
public final class BatchProcessor {

    private final RecordProcessor records;
    private final ExecutorService workers;
    private final int maxConcurrent;

    public BatchProcessor(RecordProcessor records, ExecutorService workers, int maxConcurrent) {
        this.records = Objects.requireNonNull(records, "records");
        this.workers = Objects.requireNonNull(workers, "workers");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1: " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
    }

    /** One outcome per message, in the order of {@code messages}. */
    public List<RecordOutcome> process(List<SQSMessage> messages, Invocation invocation) {
        Deadline deadline = invocation.deadline();
        Semaphore slots = new Semaphore(maxConcurrent);
        List<Future<RecordOutcome>> running = new ArrayList<>(messages.size());
        for (SQSMessage message : messages) {
            if (!takeSlot(slots, deadline)) {
                break;
            }
            running.add(workers.submit(() -> {
                try {
                    return records.process(message, invocation);
                } finally {
                    slots.release();
                }
            }));
        }
        List<RecordOutcome> outcomes = new ArrayList<>(messages.size());
        for (int i = 0; i < running.size(); i++) {
            outcomes.add(await(running.get(i), messages.get(i), invocation));
        }
        for (int i = running.size(); i < messages.size(); i++) {
            outcomes.add(records.skipped(messages.get(i), invocation, Outcome.NOT_STARTED,
                    "too little of the invocation was left to start this record"));
        }
        return outcomes;
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

    private RecordOutcome await(Future<RecordOutcome> future, SQSMessage message, Invocation invocation) {
        try {
            return future.get(Math.max(0, invocation.deadline().millisUntilReturn()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return records.skipped(message, invocation, Outcome.NOT_FINISHED,
                    "the record was still running when the invocation had to return");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return records.skipped(message, invocation, Outcome.NOT_FINISHED, "the invocation was interrupted");
        } catch (ExecutionException e) {
            // RecordProcessor only lets errors through that the JVM cannot continue after.
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("record processing failed unexpectedly", e.getCause());
        }
    }
}
