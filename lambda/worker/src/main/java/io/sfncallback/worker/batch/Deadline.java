package io.sfncallback.worker.batch;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The time left in the current invocation, and what the worker may still do with it.
 *
 * <p>No record starts when less than the margin ({@code DEADLINE_MARGIN_MS}) is left; the worker
 * stops waiting for running records when half the margin is left, and for the retry delays of the
 * records it reports as failures when a quarter is left, which leaves the rest to return the batch
 * response before Lambda's timeout kills the invocation (and with it the whole batch's results).
 */
public final class Deadline {

    private final LongSupplier remainingMillis;
    private final long marginMillis;

    public Deadline(LongSupplier remainingMillis, Duration margin) {
        this.remainingMillis = Objects.requireNonNull(remainingMillis, "remainingMillis");
        this.marginMillis = margin.toMillis();
    }

    /** A deadline that never comes, for invocations without a Lambda context. */
    public static Deadline none() {
        return new Deadline(() -> Long.MAX_VALUE / 4, Duration.ZERO);
    }

    public long remainingMillis() {
        return remainingMillis.getAsLong();
    }

    /** True while a new record may start. */
    public boolean canStart() {
        return millisUntilNoStart() > 0;
    }

    /** How long until no new record may start; zero or negative once that time has come. */
    public long millisUntilNoStart() {
        return remainingMillis() - marginMillis;
    }

    /** How long the worker still waits for running records. */
    public long millisUntilReturn() {
        return remainingMillis() - marginMillis / 2;
    }

    /**
     * How long the worker still waits for retry delays to be set once it stopped waiting for
     * records: until a quarter of the margin is left, which is kept for returning the response.
     */
    public long millisUntilRespond() {
        return remainingMillis() - marginMillis / 4;
    }

    /** What a processor is told it has left. */
    public Duration timeLeftForWork() {
        return Duration.ofMillis(Math.max(0, millisUntilReturn()));
    }
}
