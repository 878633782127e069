package io.sfncallback.worker.retry;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.worker.batch.Invocation;
import io.sfncallback.worker.batch.RecordOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Brings failed records back soon: before the batch response reports them as batch item failures,
 * their visibility timeout is set to {@code RETRY_DELAY_SECONDS}.
 *
 * <p>Without this a failed record would wait out the queue's whole visibility timeout (six times
 * the function timeout) before its next attempt, long after the state's {@code HeartbeatSeconds}
 * have failed the execution. A failure here is logged and otherwise ignored: the record still
 * comes back, only later.
 *
 * <p>The SQS caller is built on first use, so invocations without failures never pay for it.
 */
public final class RetryDelay {

    /** ChangeMessageVisibilityBatch takes at most ten entries. */
    static final int MAX_BATCH = 10;

    private final String queueUrl;
    private final int delaySeconds;
    private final Supplier<SqsVisibility> sqs;

    /**
     * @param queueUrl the tasks queue, or {@code null} to leave failed records' visibility alone
     * @param sqs      supplies the client on first use; called at most once
     */
    public RetryDelay(String queueUrl, Duration delay, Supplier<SqsVisibility> sqs) {
        this.queueUrl = queueUrl;
        this.delaySeconds = Math.toIntExact(delay.toSeconds());
        this.sqs = memoize(Objects.requireNonNull(sqs, "sqs"));
    }

    /** Sets the retry delay on every record in {@code failures} that has a receipt handle. */
    public void apply(List<RecordOutcome> failures, Invocation invocation) {
        if (queueUrl == null || failures.isEmpty()) {
            return;
        }
        List<RecordOutcome> withHandle = failures.stream().filter(f -> f.receiptHandle() != null).toList();
        for (int from = 0; from < withHandle.size(); from += MAX_BATCH) {
            List<RecordOutcome> chunk = withHandle.subList(from, Math.min(withHandle.size(), from + MAX_BATCH));
            List<SqsVisibility.Entry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(new SqsVisibility.Entry("r" + i, chunk.get(i).receiptHandle(), delaySeconds));
            }
            try {
                for (SqsVisibility.Failure failed : sqs.get().changeVisibility(queueUrl, entries)) {
                    RecordOutcome record = chunk.get(Integer.parseInt(failed.id().substring(1)));
                    warn(invocation, record.messageId(), failed.code() + ": " + failed.message());
                }
            } catch (SqsVisibility.SqsCallException | RuntimeException e) {
                for (RecordOutcome record : chunk) {
                    warn(invocation, record.messageId(), e.getMessage());
                }
            }
        }
    }

    private static void warn(Invocation invocation, String messageId, String detail) {
        invocation.log().at(LogLevel.WARN, "retry delay not set; the record comes back after the queue's visibility timeout")
                .with("messageId", messageId)
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
