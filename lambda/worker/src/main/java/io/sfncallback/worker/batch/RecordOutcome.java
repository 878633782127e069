package io.sfncallback.worker.batch;

import java.util.Objects;

/**
 * How one record ended.
 *
 * @param messageId     the SQS message id (the batch item failure identifier)
 * @param receiptHandle the handle that can change the message's visibility
 * @param outcome       what happened
 * @param error         the error sent with SendTaskFailure, when one was sent
 * @param detail        a human-readable explanation, never containing the task token
 */
public record RecordOutcome(String messageId, String receiptHandle, Outcome outcome, String error, String detail) {
    public RecordOutcome {
        Objects.requireNonNull(outcome, "outcome");
    }

    public boolean redeliver() {
        return outcome.redeliver();
    }
}
