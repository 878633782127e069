package io.sfncallback.local.asl;

import java.util.List;

/** One element of a Task's {@code Catch}. {@code resultPath} defaults to {@code $}. */
public record Catcher(List<String> errorEquals, ResultPath resultPath, String next) {
    public Catcher {
        errorEquals = List.copyOf(errorEquals);
    }
}
