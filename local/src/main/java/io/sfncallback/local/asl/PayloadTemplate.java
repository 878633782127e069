package io.sfncallback.local.asl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.jayway.jsonpath.PathNotFoundException;
import io.sfncallback.local.json.Json;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A {@code Parameters} payload template: fields whose names end in {@code .$} take the value a path selects from
 * the state input ({@code $...}) or the context object ({@code $$...}); other fields are copied. Objects are
 * evaluated at any depth, inside arrays too (AWS's own ECS example puts {@code "Value.$": "$$.Task.Token"} in an
 * array of objects: https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token).
 * Intrinsic functions are not supported by the local stack and are rejected when the definition loads.
 */
public final class PayloadTemplate {

    /**
     * The States.Runtime cause when a field reads the state input and the input is JSON null. No AWS page and no
     * AWS-recorded snapshot shows this case; the wording and the failure before the task is scheduled are as users
     * report them from AWS (a Task with {@code "Input.$": "$"} entered with a null input: "Unable to apply Path
     * transformation to null or empty input."). local/README.md says so.
     */
    static final String NULL_INPUT = "Unable to apply Path transformation to null or empty input.";

    private final JsonObject template;
    private final Map<String, StatePath> paths;

    private PayloadTemplate(JsonObject template, Map<String, StatePath> paths) {
        this.template = template;
        this.paths = paths;
    }

    public static PayloadTemplate compile(JsonObject template, String where) throws InvalidDefinitionException {
        Map<String, StatePath> paths = new HashMap<>();
        collect(template, where, paths);
        return new PayloadTemplate(template.deepCopy(), Map.copyOf(paths));
    }

    private static void collect(JsonElement element, String where, Map<String, StatePath> paths)
            throws InvalidDefinitionException {
        if (element.isJsonArray()) {
            for (JsonElement item : element.getAsJsonArray()) {
                collect(item, where, paths);
            }
            return;
        }
        if (!element.isJsonObject()) {
            return;
        }
        for (Map.Entry<String, JsonElement> field : element.getAsJsonObject().entrySet()) {
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
                try {
                    paths.put(path, StatePath.of(path));
                } catch (InvalidDefinitionException e) {
                    throw new InvalidDefinitionException("field '" + key + "' in " + where + ": " + e.getMessage());
                }
            } else {
                collect(value, where, paths);
            }
        }
    }

    /** The field names at the top level, without the {@code .$} suffix. */
    public Set<String> topLevelFields() {
        Set<String> names = new LinkedHashSet<>();
        for (String key : template.keySet()) {
            names.add(key.endsWith(".$") ? key.substring(0, key.length() - 2) : key);
        }
        return names;
    }

    /**
     * Evaluates the template.
     *
     * @throws ParameterPathFailure when a path selects nothing, or reads a null input (AWS fails the execution with
     *     States.Runtime)
     */
    public JsonObject evaluate(JsonElement input, JsonElement context) throws ParameterPathFailure {
        return evaluate(template, input, context).getAsJsonObject();
    }

    private JsonElement evaluate(JsonElement element, JsonElement input, JsonElement context)
            throws ParameterPathFailure {
        if (element.isJsonArray()) {
            JsonArray result = new JsonArray();
            for (JsonElement item : element.getAsJsonArray()) {
                result.add(evaluate(item, input, context));
            }
            return result;
        }
        if (!element.isJsonObject()) {
            return element.deepCopy();
        }
        JsonObject result = new JsonObject();
        for (Map.Entry<String, JsonElement> field : element.getAsJsonObject().entrySet()) {
            String key = field.getKey();
            JsonElement value = field.getValue();
            if (key.endsWith(".$")) {
                StatePath path = paths.get(value.getAsString());
                if (input.isJsonNull() && !path.readsContext()) {
                    throw new ParameterPathFailure(NULL_INPUT);
                }
                try {
                    result.add(key.substring(0, key.length() - 2), path.read(input, context));
                } catch (PathNotFoundException e) {
                    // The wording of AWS's States.Runtime cause (LocalStack parity snapshot
                    // tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json,
                    // test_invalid_jsonpath, recorded 2025-01-02): "the input" even for a context path.
                    throw new ParameterPathFailure("The JSONPath '" + path + "' specified for the field '" + key
                            + "' could not be found in the input '" + Json.write(input) + "'");
                }
            } else {
                result.add(key, evaluate(value, input, context));
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
