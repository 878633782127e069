package io.sfncallback.local.asl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@code Parameters} payload template: fields whose names end in {@code .$} take the value a path selects from
 * the state input ({@code $...}) or the context object ({@code $$...}); other fields are copied. Intrinsic
 * functions are not supported by the local stack and are rejected when the definition loads.
 */
public final class PayloadTemplate {

    private final JsonObject template;
    private final Map<String, JsonPath> paths;

    private PayloadTemplate(JsonObject template, Map<String, JsonPath> paths) {
        this.template = template;
        this.paths = paths;
    }

    public static PayloadTemplate compile(JsonObject template, String where) throws InvalidDefinitionException {
        Map<String, JsonPath> paths = new HashMap<>();
        collect(template, where, paths);
        return new PayloadTemplate(template.deepCopy(), Map.copyOf(paths));
    }

    private static void collect(JsonObject object, String where, Map<String, JsonPath> paths)
            throws InvalidDefinitionException {
        for (Map.Entry<String, JsonElement> field : object.entrySet()) {
            String key = field.getKey();
            JsonElement value = field.getValue();
            if (key.endsWith(".$")) {
                if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                    throw new InvalidDefinitionException("the value of field '" + key + "' in " + where
                            + " must be a JSONPath string");
                }
                String path = value.getAsString();
                if (path.startsWith("States.")) {
                    throw new InvalidDefinitionException("intrinsic function '" + path + "' in field '" + key
                            + "' of " + where + " is not supported by the local stack");
                }
                String documentPath = path.startsWith("$$") ? path.substring(1) : path;
                try {
                    paths.put(path, JsonPaths.compile(documentPath));
                } catch (InvalidDefinitionException e) {
                    throw new InvalidDefinitionException("field '" + key + "' in " + where + ": " + e.getMessage());
                }
            } else if (value.isJsonObject()) {
                collect(value.getAsJsonObject(), where, paths);
            }
        }
    }

    /** The field names at the top level, without the {@code .$} suffix. */
    public java.util.Set<String> topLevelFields() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (String key : template.keySet()) {
            names.add(key.endsWith(".$") ? key.substring(0, key.length() - 2) : key);
        }
        return names;
    }

    /**
     * Evaluates the template.
     *
     * @throws ParameterPathFailure when a path selects nothing (AWS fails the execution with States.Runtime)
     */
    public JsonObject evaluate(JsonElement input, JsonElement context) throws ParameterPathFailure {
        return evaluate(template, input, context);
    }

    private JsonObject evaluate(JsonObject object, JsonElement input, JsonElement context)
            throws ParameterPathFailure {
        JsonObject result = new JsonObject();
        for (Map.Entry<String, JsonElement> field : object.entrySet()) {
            String key = field.getKey();
            JsonElement value = field.getValue();
            if (key.endsWith(".$")) {
                String path = value.getAsString();
                boolean fromContext = path.startsWith("$$");
                JsonElement document = fromContext ? context : input;
                try {
                    result.add(key.substring(0, key.length() - 2), JsonPaths.read(paths.get(path), document));
                } catch (PathNotFoundException e) {
                    throw new ParameterPathFailure("The JSONPath '" + path + "' specified for the field '" + key
                            + "' could not be found in the " + (fromContext ? "context object" : "input") + " '"
                            + io.sfncallback.local.json.Json.write(document) + "'");
                }
            } else if (value.isJsonObject()) {
                result.add(key, evaluate(value.getAsJsonObject(), input, context));
            } else {
                result.add(key, value.deepCopy());
            }
        }
        return result;
    }

    /** A {@code .$} path selected nothing. */
    public static final class ParameterPathFailure extends Exception {
        public ParameterPathFailure(String message) {
            super(message);
        }
    }
}
