package io.sfncallback.local.support;

import io.sfncallback.local.esm.LogSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A log sink that keeps every line (and echoes it, so a failing test shows what the worker said). */
public final class CapturingLog implements LogSink {

    public record Line(String level, String text) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    @Override
    public void line(String level, String line) {
        lines.add(new Line(level, line));
        System.out.println("[" + level + "] " + line);
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    public List<Line> containing(String text) {
        return lines.stream().filter(line -> line.text().contains(text)).toList();
    }
}
