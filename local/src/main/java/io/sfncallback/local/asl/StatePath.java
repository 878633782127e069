package io.sfncallback.local.asl;

import com.google.gson.JsonElement;
import com.jayway.jsonpath.JsonPath;

/**
 * A path that reads either the state input ({@code $...}) or the context object ({@code $$...}), as the ASL allows
 * in Parameters ({@code .$} fields), a Choice rule's {@code Variable} and a Fail state's ErrorPath / CausePath
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html).
 */
public final class StatePath {

    private final String text;
    private final boolean context;
    private final JsonPath compiled;

    private StatePath(String text, boolean context, JsonPath compiled) {
        this.text = text;
        this.context = context;
        this.compiled = compiled;
    }

    /** Any JSONPath on the input or the context object. */
    public static StatePath of(String text) throws InvalidDefinitionException {
        boolean context = text != null && text.startsWith("$$");
        return new StatePath(text, context, JsonPaths.compile(context ? text.substring(1) : text));
    }

    /** A path that must select one node (a reference path), on the input or the context object. */
    public static StatePath reference(String text) throws InvalidDefinitionException {
        StatePath path = of(text);
        if (!path.compiled.isDefinite()) {
            throw new InvalidDefinitionException("'" + text + "' is not a reference path (it can select more than one node)");
        }
        return path;
    }

    public String text() {
        return text;
    }

    public boolean readsContext() {
        return context;
    }

    /**
     * Reads the path from the state input or the context object.
     *
     * @throws com.jayway.jsonpath.PathNotFoundException when it selects nothing
     */
    public JsonElement read(JsonElement input, JsonElement contextObject) {
        return JsonPaths.read(compiled, context ? contextObject : input);
    }

    @Override
    public String toString() {
        return text;
    }
}
