package io.sfncallback.worker.testing;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
