package io.sfncallback.local.asl;

import java.util.List;

/**
 * One element of a Task's {@code Retry}. Defaults follow the AWS developer guide: IntervalSeconds 1,
 * MaxAttempts 3, BackoffRate 2.0, no MaxDelaySeconds, JitterStrategy NONE.
 */
public record Retrier(List<String> errorEquals, int intervalSeconds, int maxAttempts, double backoffRate,
        Integer maxDelaySeconds, Jitter jitter) {

    public enum Jitter { FULL, NONE }

    public Retrier {
        errorEquals = List.copyOf(errorEquals);
    }

    /**
     * The wait before retry number {@code retriesSoFar + 1}: IntervalSeconds × BackoffRate^retriesSoFar, capped by
     * MaxDelaySeconds; FULL jitter picks uniformly between 0 and that value.
     */
    public long delayMillis(int retriesSoFar, java.util.function.DoubleSupplier random) {
        double seconds = intervalSeconds * Math.pow(backoffRate, retriesSoFar);
        if (maxDelaySeconds != null) {
            seconds = Math.min(seconds, maxDelaySeconds);
        }
        if (jitter == Jitter.FULL) {
            seconds = seconds * random.getAsDouble();
        }
        return Math.round(seconds * 1000);
    }
}
