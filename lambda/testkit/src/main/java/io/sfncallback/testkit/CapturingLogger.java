package io.sfncallback.testkit;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A Lambda logger that keeps every line, with the level it was logged at. */
public final class CapturingLogger implements LambdaLogger {

    public record Line(LogLevel level, String text) {
        public JsonObject json() {
            return JsonParser.parseString(text).getAsJsonObject();
        }
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    @Override
    public void log(String message) {
        lines.add(new Line(LogLevel.UNDEFINED, message));
    }

    @Override
    public void log(byte[] message) {
        log(message, LogLevel.UNDEFINED);
    }

    @Override
    public void log(byte[] message, LogLevel level) {
        lines.add(new Line(level, new String(message, StandardCharsets.UTF_8)));
        synchronized (lines) {
            lines.notifyAll();
        }
    }

    /** Waits until a line with this {@code message} field has been logged; false after {@code limit}. */
    public boolean awaitMessage(String message, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        synchronized (lines) {
            while (withMessage(message).isEmpty()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lines, left);
            }
            return true;
        }
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Every line parsed as a JSON object. */
    public List<JsonObject> json() {
        return lines.stream().map(Line::json).toList();
    }

    /** The lines whose {@code message} field equals {@code message}. */
    public List<JsonObject> withMessage(String message) {
        return json().stream().filter(j -> j.has("message") && j.get("message").getAsString().equals(message)).toList();
    }

    public String all() {
        StringBuilder out = new StringBuilder();
        lines.forEach(l -> out.append(l.text()));
        return out.toString();
    }
}
