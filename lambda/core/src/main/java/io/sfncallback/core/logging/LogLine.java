package io.sfncallback.core.logging;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonElement;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** One structured log line being built; fields keep the order they were added in. */
public class LogLine {

    static final LogLine DISABLED = new LogLine(null, null, null) {
        @Override
        public LogLine with(String name, Object value) {
            return this;
        }

        @Override
        public void write() {
        }
    };

    private final JsonLog log;
    private final LogLevel level;
    private final String message;
    private final List<Object> fields = new ArrayList<>();

    LogLine(JsonLog log, LogLevel level, String message) {
        this.log = log;
        this.level = level;
        this.message = message;
    }

    /**
     * Adds a field; {@code null} values are left out. Strings, numbers, booleans and
     * {@link JsonElement}s are written as JSON values, anything else as its {@code toString()}.
     */
    public LogLine with(String name, Object value) {
        if (value != null) {
            fields.add(name);
            fields.add(value);
        }
        return this;
    }

    public void write() {
        log.emit(level, (render() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    String render() {
        StringWriter out = new StringWriter(160);
        try (JsonWriter json = new JsonWriter(out)) {
            // Lenient only so that a processor's NaN in a logged input cannot break the line.
            json.setStrictness(Strictness.LENIENT);
            json.beginObject();
            json.name("timestamp").value(Instant.now(log.clock()).truncatedTo(ChronoUnit.MILLIS).toString());
            json.name("level").value(level.name());
            json.name("message").value(message);
            if (log.requestId() != null) {
                json.name("requestId").value(log.requestId());
            }
            for (int i = 0; i < fields.size(); i += 2) {
                json.name((String) fields.get(i));
                writeValue(json, fields.get(i + 1));
            }
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return out.toString();
    }

    private static void writeValue(JsonWriter json, Object value) throws IOException {
        switch (value) {
            case String s -> json.value(s);
            case Boolean b -> json.value(b);
            case Number n -> json.value(n);
            case JsonElement e -> json.jsonValue(e.toString());
            default -> json.value(value.toString());
        }
    }
}
