package io.sfncallback.worker.batch;

import io.sfncallback.core.logging.JsonLog;
import java.util.Objects;

/** What belongs to one Lambda invocation: its deadline and its log. */
public record Invocation(Deadline deadline, JsonLog log) {
    public Invocation {
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(log, "log");
    }
}
