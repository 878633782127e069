package io.sfncallback.local.asl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.sfncallback.local.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates an Amazon States Language definition and builds the states the local interpreter runs. It accepts
 * exactly the ASL the project's state machine uses (Task on sqs:sendMessage.waitForTaskToken with Parameters,
 * ResultPath, TimeoutSeconds, HeartbeatSeconds, Retry, Catch; Fail; Succeed) and rejects everything else with a
 * message naming the field, state type or resource, so a local run never silently differs from AWS.
 */
public final class DefinitionParser {

    private static final Pattern SQS_WAIT_FOR_TASK_TOKEN =
            Pattern.compile("arn:aws(-cn|-us-gov)?:states:::sqs:sendMessage\\.waitForTaskToken");
    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("Comment", "StartAt", "States", "TimeoutSeconds", "Version");
    private static final Set<String> TASK_FIELDS = Set.of("Type", "Comment", "Resource", "Parameters", "ResultPath",
            "TimeoutSeconds", "HeartbeatSeconds", "Retry", "Catch", "Next", "End");
    private static final Set<String> FAIL_FIELDS = Set.of("Type", "Comment", "Error", "ErrorPath", "Cause", "CausePath");
    private static final Set<String> SUCCEED_FIELDS = Set.of("Type", "Comment");
    private static final Set<String> RETRIER_FIELDS = Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts",
            "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment");
    private static final Set<String> CATCHER_FIELDS = Set.of("ErrorEquals", "ResultPath", "Next", "Comment");
    /** The SendMessage fields the local SQS integration passes on (the service integration's own field names). */
    private static final Set<String> SEND_MESSAGE_FIELDS =
            Set.of("QueueUrl", "MessageBody", "DelaySeconds", "MessageGroupId", "MessageDeduplicationId");

    public StateMachineDefinition parse(String definition) throws InvalidDefinitionException {
        JsonElement root = Json.parseStrict(definition)
                .orElseThrow(() -> new InvalidDefinitionException("the definition is not valid JSON"));
        if (!root.isJsonObject()) {
            throw new InvalidDefinitionException("the definition must be a JSON object");
        }
        JsonObject machine = root.getAsJsonObject();
        onlyFields(machine, TOP_LEVEL_FIELDS, "the top level of the definition");
        if (machine.has("Version") && !"1.0".equals(string(machine, "Version", "the top level"))) {
            throw new InvalidDefinitionException("Version must be \"1.0\"");
        }
        String startAt = requiredString(machine, "StartAt", "the top level");
        Integer timeoutSeconds = optionalPositiveInt(machine, "TimeoutSeconds", "the top level");
        JsonObject statesJson = requiredObject(machine, "States", "the top level");
        if (statesJson.isEmpty()) {
            throw new InvalidDefinitionException("States must name at least one state");
        }
        Map<String, State> states = new HashMap<>();
        for (Map.Entry<String, JsonElement> entry : statesJson.entrySet()) {
            String name = entry.getKey();
            if (name.isEmpty() || name.length() > 80) {
                throw new InvalidDefinitionException("state name '" + name + "' must be 1 to 80 characters");
            }
            if (!entry.getValue().isJsonObject()) {
                throw new InvalidDefinitionException("state '" + name + "' must be a JSON object");
            }
            states.put(name, state(name, entry.getValue().getAsJsonObject()));
        }
        if (!states.containsKey(startAt)) {
            throw new InvalidDefinitionException("StartAt names state '" + startAt + "', which does not exist");
        }
        for (State state : states.values()) {
            if (state instanceof TaskState task) {
                if (task.next() != null && !states.containsKey(task.next())) {
                    throw new InvalidDefinitionException("state '" + task.name() + "' has Next '" + task.next()
                            + "', which does not exist");
                }
                for (Catcher catcher : task.catchers()) {
                    if (!states.containsKey(catcher.next())) {
                        throw new InvalidDefinitionException("a Catch of state '" + task.name() + "' has Next '"
                                + catcher.next() + "', which does not exist");
                    }
                }
            }
        }
        return new StateMachineDefinition(startAt, states, timeoutSeconds);
    }

    private State state(String name, JsonObject json) throws InvalidDefinitionException {
        String where = "state '" + name + "'";
        String type = requiredString(json, "Type", where);
        return switch (type) {
            case "Task" -> task(name, json, where);
            case "Fail" -> fail(name, json, where);
            case "Succeed" -> {
                onlyFields(json, SUCCEED_FIELDS, where);
                yield new SucceedState(name);
            }
            default -> throw new InvalidDefinitionException("state type '" + type + "' (" + where
                    + ") is not supported by the local stack, which runs only Task, Fail and Succeed states");
        };
    }

    private TaskState task(String name, JsonObject json, String where) throws InvalidDefinitionException {
        onlyFields(json, TASK_FIELDS, where);
        String resource = requiredString(json, "Resource", where);
        if (!SQS_WAIT_FOR_TASK_TOKEN.matcher(resource).matches()) {
            throw new InvalidDefinitionException("resource '" + resource + "' (" + where
                    + ") is not supported by the local stack, which runs only arn:aws:states:::sqs:sendMessage.waitForTaskToken");
        }
        PayloadTemplate parameters = PayloadTemplate.compile(requiredObject(json, "Parameters", where),
                "the Parameters of " + where);
        for (String field : parameters.topLevelFields()) {
            if (!SEND_MESSAGE_FIELDS.contains(field)) {
                throw new InvalidDefinitionException("Parameters field '" + field + "' (" + where
                        + ") is not supported by the local stack's sqs:sendMessage integration; supported: "
                        + String.join(", ", sorted(SEND_MESSAGE_FIELDS)));
            }
        }
        for (String required : List.of("QueueUrl", "MessageBody")) {
            if (!parameters.topLevelFields().contains(required)) {
                throw new InvalidDefinitionException("the Parameters of " + where + " must set " + required);
            }
        }
        ResultPath resultPath = resultPath(json, where);
        Integer timeout = optionalPositiveInt(json, "TimeoutSeconds", where);
        Integer heartbeat = optionalPositiveInt(json, "HeartbeatSeconds", where);
        int timeoutSeconds = timeout == null ? TaskState.DEFAULT_TIMEOUT_SECONDS : timeout;
        if (heartbeat != null && heartbeat >= timeoutSeconds) {
            throw new InvalidDefinitionException("HeartbeatSeconds (" + heartbeat + ") of " + where
                    + " must be smaller than TimeoutSeconds (" + timeoutSeconds + ")");
        }
        List<Retrier> retriers = retriers(json, where);
        List<Catcher> catchers = catchers(json, where);
        return new TaskState(name, resource, parameters, resultPath, timeoutSeconds, heartbeat, retriers, catchers,
                transition(json, where));
    }

    private FailState fail(String name, JsonObject json, String where) throws InvalidDefinitionException {
        onlyFields(json, FAIL_FIELDS, where);
        if (json.has("Error") && json.has("ErrorPath")) {
            throw new InvalidDefinitionException(where + " cannot have both Error and ErrorPath");
        }
        if (json.has("Cause") && json.has("CausePath")) {
            throw new InvalidDefinitionException(where + " cannot have both Cause and CausePath");
        }
        String error = json.has("Error") ? string(json, "Error", where) : null;
        String cause = json.has("Cause") ? string(json, "Cause", where) : null;
        ReferencePath errorPath = json.has("ErrorPath") ? referencePath(json, "ErrorPath", where) : null;
        ReferencePath causePath = json.has("CausePath") ? referencePath(json, "CausePath", where) : null;
        return new FailState(name, error, errorPath, cause, causePath);
    }

    private List<Retrier> retriers(JsonObject json, String where) throws InvalidDefinitionException {
        List<Retrier> retriers = new ArrayList<>();
        if (!json.has("Retry")) {
            return retriers;
        }
        JsonArray array = array(json, "Retry", where);
        for (int i = 0; i < array.size(); i++) {
            String at = "Retry[" + i + "] of " + where;
            JsonObject retrier = object(array.get(i), at);
            onlyFields(retrier, RETRIER_FIELDS, at);
            List<String> errorEquals = errorEquals(retrier, at, i == array.size() - 1);
            int interval = json(retrier, "IntervalSeconds") ? positiveInt(retrier, "IntervalSeconds", at) : 1;
            int maxAttempts = json(retrier, "MaxAttempts") ? nonNegativeInt(retrier, "MaxAttempts", at) : 3;
            double backoff = 2.0;
            if (json(retrier, "BackoffRate")) {
                JsonElement value = retrier.get("BackoffRate");
                if (!isNumber(value) || value.getAsDouble() < 1.0) {
                    throw new InvalidDefinitionException("BackoffRate in " + at + " must be a number >= 1.0");
                }
                backoff = value.getAsDouble();
            }
            Integer maxDelay = optionalPositiveInt(retrier, "MaxDelaySeconds", at);
            Retrier.Jitter jitter = Retrier.Jitter.NONE;
            if (json(retrier, "JitterStrategy")) {
                String value = string(retrier, "JitterStrategy", at);
                try {
                    jitter = Retrier.Jitter.valueOf(value);
                } catch (IllegalArgumentException e) {
                    throw new InvalidDefinitionException("JitterStrategy in " + at + " must be FULL or NONE, not '" + value + "'");
                }
            }
            retriers.add(new Retrier(errorEquals, interval, maxAttempts, backoff, maxDelay, jitter));
        }
        return retriers;
    }

    private List<Catcher> catchers(JsonObject json, String where) throws InvalidDefinitionException {
        List<Catcher> catchers = new ArrayList<>();
        if (!json.has("Catch")) {
            return catchers;
        }
        JsonArray array = array(json, "Catch", where);
        for (int i = 0; i < array.size(); i++) {
            String at = "Catch[" + i + "] of " + where;
            JsonObject catcher = object(array.get(i), at);
            onlyFields(catcher, CATCHER_FIELDS, at);
            List<String> errorEquals = errorEquals(catcher, at, i == array.size() - 1);
            catchers.add(new Catcher(errorEquals, resultPath(catcher, at), requiredString(catcher, "Next", at)));
        }
        return catchers;
    }

    private static List<String> errorEquals(JsonObject json, String where, boolean last)
            throws InvalidDefinitionException {
        JsonArray array = array(json, "ErrorEquals", where);
        if (array.isEmpty()) {
            throw new InvalidDefinitionException("ErrorEquals in " + where + " must not be empty");
        }
        List<String> names = new ArrayList<>();
        for (JsonElement element : array) {
            if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
                throw new InvalidDefinitionException("ErrorEquals in " + where + " must hold strings");
            }
            names.add(element.getAsString());
        }
        if (names.contains(ErrorNames.ALL) && (names.size() > 1 || !last)) {
            throw new InvalidDefinitionException(
                    "States.ALL in " + where + " must appear alone, in the last retrier or catcher");
        }
        return names;
    }

    private static ResultPath resultPath(JsonObject json, String where) throws InvalidDefinitionException {
        if (!json.has("ResultPath")) {
            return ResultPath.root();
        }
        if (json.get("ResultPath").isJsonNull()) {
            return ResultPath.DISCARD;
        }
        return new ResultPath(referencePath(json, "ResultPath", where));
    }

    private static ReferencePath referencePath(JsonObject json, String field, String where)
            throws InvalidDefinitionException {
        try {
            return ReferencePath.of(string(json, field, where));
        } catch (InvalidDefinitionException e) {
            throw new InvalidDefinitionException(field + " of " + where + ": " + e.getMessage());
        }
    }

    private static String transition(JsonObject json, String where) throws InvalidDefinitionException {
        boolean end = json.has("End");
        if (end && !(json.get("End").isJsonPrimitive() && json.get("End").getAsJsonPrimitive().isBoolean()
                && json.get("End").getAsBoolean())) {
            throw new InvalidDefinitionException("End in " + where + " must be true when present");
        }
        if (end == json.has("Next")) {
            throw new InvalidDefinitionException(where + " must have exactly one of Next and \"End\": true");
        }
        return end ? null : string(json, "Next", where);
    }

    private static void onlyFields(JsonObject json, Set<String> allowed, String where)
            throws InvalidDefinitionException {
        for (String field : json.keySet()) {
            if (!allowed.contains(field)) {
                throw new InvalidDefinitionException("field '" + field + "' in " + where
                        + " is not supported by the local stack (supported: " + String.join(", ", sorted(allowed)) + ")");
            }
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static boolean json(JsonObject json, String field) {
        return json.has(field);
    }

    private static boolean isNumber(JsonElement value) {
        return value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber();
    }

    private static String requiredString(JsonObject json, String field, String where) throws InvalidDefinitionException {
        if (!json.has(field)) {
            throw new InvalidDefinitionException(where + " must have " + field);
        }
        return string(json, field, where);
    }

    private static String string(JsonObject json, String field, String where) throws InvalidDefinitionException {
        JsonElement value = json.get(field);
        if (value == null || !value.isJsonPrimitive() || !((JsonPrimitive) value).isString()) {
            throw new InvalidDefinitionException(field + " in " + where + " must be a string");
        }
        return value.getAsString();
    }

    private static JsonObject requiredObject(JsonObject json, String field, String where)
            throws InvalidDefinitionException {
        JsonElement value = json.get(field);
        if (value == null || !value.isJsonObject()) {
            throw new InvalidDefinitionException(where + " must have " + field + " as a JSON object");
        }
        return value.getAsJsonObject();
    }

    private static JsonObject object(JsonElement value, String where) throws InvalidDefinitionException {
        if (!value.isJsonObject()) {
            throw new InvalidDefinitionException(where + " must be a JSON object");
        }
        return value.getAsJsonObject();
    }

    private static JsonArray array(JsonObject json, String field, String where) throws InvalidDefinitionException {
        JsonElement value = json.get(field);
        if (value == null || !value.isJsonArray()) {
            throw new InvalidDefinitionException(field + " in " + where + " must be an array");
        }
        return value.getAsJsonArray();
    }

    private static Integer optionalPositiveInt(JsonObject json, String field, String where)
            throws InvalidDefinitionException {
        return json.has(field) ? positiveInt(json, field, where) : null;
    }

    private static int positiveInt(JsonObject json, String field, String where) throws InvalidDefinitionException {
        int value = integer(json, field, where);
        if (value < 1) {
            throw new InvalidDefinitionException(field + " in " + where + " must be a positive integer");
        }
        return value;
    }

    private static int nonNegativeInt(JsonObject json, String field, String where) throws InvalidDefinitionException {
        int value = integer(json, field, where);
        if (value < 0) {
            throw new InvalidDefinitionException(field + " in " + where + " must not be negative");
        }
        return value;
    }

    private static int integer(JsonObject json, String field, String where) throws InvalidDefinitionException {
        JsonElement value = json.get(field);
        if (!isNumber(value)) {
            throw new InvalidDefinitionException(field + " in " + where + " must be an integer");
        }
        java.math.BigDecimal number = value.getAsBigDecimal();
        try {
            return number.intValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidDefinitionException(field + " in " + where + " must be an integer");
        }
    }
}
