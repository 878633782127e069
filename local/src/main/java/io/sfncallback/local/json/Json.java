package io.sfncallback.local.json;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/** JSON parsing and writing shared by the local stack: strict parsing, compact writing. */
public final class Json {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private Json() {
    }

    /** Parses one complete, strictly valid JSON text (any value), or returns empty; an empty text is not JSON. */
    public static Optional<JsonElement> parseStrict(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement value = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                return Optional.empty();
            }
            return Optional.of(value);
        } catch (JsonParseException | IOException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** Parses JSON the caller knows to be valid (our own documents). */
    public static JsonElement parse(String text) {
        return parseStrict(text).orElseThrow(() -> new IllegalArgumentException("not valid JSON: " + text));
    }

    public static String write(JsonElement value) {
        return GSON.toJson(value);
    }

    /** An AWS JSON 1.0 timestamp: seconds since the epoch with fractional milliseconds, as a plain number. */
    public static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.toEpochMilli(), 3);
    }
}
