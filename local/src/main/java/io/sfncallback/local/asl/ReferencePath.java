package io.sfncallback.local.asl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.jayway.jsonpath.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ASL Reference Path: a JSONPath that selects one node by field names only ({@code $}, {@code $.a.b},
 * {@code $['a']}). Used to write (ResultPath); ErrorPath and CausePath are read as {@link StatePath}s.
 */
public final class ReferencePath {

    private static final Pattern SEGMENT = Pattern.compile("\\['((?:[^'\\\\]|\\\\.)*)'\\]");

    private final String text;
    private final List<String> fields;

    private ReferencePath(String text, List<String> fields) {
        this.text = text;
        this.fields = List.copyOf(fields);
    }

    /** Validates {@code text} with Jayway and keeps its field names (from Jayway's normalised form). */
    public static ReferencePath of(String text) throws InvalidDefinitionException {
        if (text != null && text.startsWith("$$")) {
            throw new InvalidDefinitionException("'" + text + "' is a context object path; a reference path is needed here");
        }
        JsonPath compiled = JsonPaths.compile(text);
        if (!compiled.isDefinite()) {
            throw new InvalidDefinitionException("'" + text + "' is not a reference path (it can select more than one node)");
        }
        String normalised = compiled.getPath();
        List<String> fields = new ArrayList<>();
        Matcher matcher = SEGMENT.matcher(normalised);
        int position = 1;
        while (matcher.find()) {
            if (matcher.start() != position) {
                break;
            }
            fields.add(matcher.group(1).replaceAll("\\\\(.)", "$1"));
            position = matcher.end();
        }
        if (position != normalised.length()) {
            throw new InvalidDefinitionException(
                    "'" + text + "' is not supported by the local stack: reference paths may only name fields");
        }
        return new ReferencePath(text, fields);
    }

    public String text() {
        return text;
    }

    /**
     * Returns a copy of {@code document} with {@code value} placed at this path, creating missing objects on the way.
     *
     * @throws ResultPathMatchFailure when a node on the way exists and is not an object
     */
    public JsonElement write(JsonElement document, JsonElement value) throws ResultPathMatchFailure {
        if (fields.isEmpty()) {
            return value.deepCopy();
        }
        if (!document.isJsonObject()) {
            throw new ResultPathMatchFailure(text, "the state input is not a JSON object");
        }
        JsonObject root = document.deepCopy().getAsJsonObject();
        JsonObject current = root;
        for (int i = 0; i < fields.size() - 1; i++) {
            JsonElement child = current.get(fields.get(i));
            if (child == null || child.isJsonNull()) {
                JsonObject created = new JsonObject();
                current.add(fields.get(i), created);
                current = created;
            } else if (child.isJsonObject()) {
                current = child.getAsJsonObject();
            } else {
                throw new ResultPathMatchFailure(text, "'" + fields.get(i) + "' is not a JSON object");
            }
        }
        current.add(fields.get(fields.size() - 1), value.deepCopy());
        return root;
    }

    @Override
    public String toString() {
        return text;
    }

    /** ResultPath could not be applied to the state's input: the error {@code States.ResultPathMatchFailure}. */
    public static final class ResultPathMatchFailure extends Exception {
        public ResultPathMatchFailure(String path, String why) {
            super("Unable to apply ResultPath '" + path + "' to the state input: " + why);
        }
    }
}
