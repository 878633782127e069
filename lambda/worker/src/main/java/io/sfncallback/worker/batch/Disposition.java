package io.sfncallback.worker.batch;

import io.sfncallback.worker.retry.RetryDelay;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What happens to a record once its outcome is settled, as soon as it is settled: its final
 * disposition.
 *
 * <ul>
 *   <li>A record that is done (answered, or impossible to answer) has its heartbeats ended at once.</li>
 *   <li>A record that will be delivered again gets its retry delay right away, without waiting for
 *       the rest of its batch, and keeps its heartbeats until the delay is set: from then on the
 *       queue holds it, and its next delivery heartbeats it again at once.</li>
 *   <li>Without a retry delay (no {@code TASKS_QUEUE_URL}), such a record is handed back only by the
 *       batch response, so its heartbeats run until the batch returns.</li>
 * </ul>
 */
final class Disposition {

    private final RetryDelay retryDelay;

    Disposition(RetryDelay retryDelay) {
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
    }

    /** Completes when the record's disposition is final (or left to the batch's end). */
    CompletableFuture<Void> of(TrackedRecord record, RecordOutcome outcome, Invocation invocation) {
        if (!outcome.redeliver()) {
            record.closeHeartbeat();
            return CompletableFuture.completedFuture(null);
        }
        if (!retryDelay.enabled()) {
            return CompletableFuture.completedFuture(null);
        }
        return retryDelay.delay(outcome, invocation).whenComplete((done, failure) -> record.closeHeartbeat());
    }
}
