package io.sfncallback.local.asl;

import java.util.List;

/**
 * A {@code Task} state calling one of the wait-for-callback {@link Integration}s. {@code next} is null when the
 * state has {@code "End": true}.
 */
public record TaskState(String name, Integration integration, String resource, PayloadTemplate parameters,
        ResultPath resultPath, int timeoutSeconds, Integer heartbeatSeconds, List<Retrier> retriers,
        List<Catcher> catchers, String next) implements State {

    /** The ASL default when TimeoutSeconds is absent (AWS developer guide, Task state). */
    public static final int DEFAULT_TIMEOUT_SECONDS = 99_999_999;

    public TaskState {
        retriers = List.copyOf(retriers);
        catchers = List.copyOf(catchers);
    }
}
