package io.sfncallback.local.asl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.sfncallback.local.json.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates an Amazon States Language definition and builds the states the local interpreter runs. It accepts
 * exactly the ASL the local stack interprets (Task on sqs:sendMessage.waitForTaskToken or
 * lambda:invoke.waitForTaskToken with Parameters, ResultPath, TimeoutSeconds, HeartbeatSeconds, Retry, Catch;
 * Choice with the operators of {@link ChoiceRule.Operator}; Fail; Succeed) and rejects everything else with a
 * message naming the field, state type, operator or resource, so a local run never silently differs from AWS.
 * Like AWS it refuses a definition with no terminal state or with a state no transition reaches
 * (the MISSING_END_STATE diagnostic of the ValidateStateMachineDefinition API; awslabs/statelint,
 * lib/statelint/state_node.rb: "No transition found to state", "No terminal state found"), and retrier and
 * timeout values outside the ranges of AWS's ASL schema (aws/amazon-states-language-service,
 * src/json-schema/partial/common.json).
 */
public final class DefinitionParser {

    private static final Pattern SQS_WAIT_FOR_TASK_TOKEN =
            Pattern.compile("arn:aws(-cn|-us-gov)?:states:::sqs:sendMessage\\.waitForTaskToken");
    private static final Pattern LAMBDA_WAIT_FOR_TASK_TOKEN =
            Pattern.compile("arn:aws(-cn|-us-gov)?:states:::lambda:invoke\\.waitForTaskToken");
    /** TimeoutSeconds, HeartbeatSeconds and IntervalSeconds: at most 99999999 (the schema's "seconds"). */
    static final int MAX_SECONDS = 99_999_999;
    static final int MAX_ATTEMPTS = 99_999_999;
    static final int MAX_DELAY_SECONDS = 31_622_400;
    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("Comment", "StartAt", "States", "TimeoutSeconds", "Version");
    private static final Set<String> TASK_FIELDS = Set.of("Type", "Comment", "Resource", "Parameters", "ResultPath",
            "TimeoutSeconds", "HeartbeatSeconds", "Retry", "Catch", "Next", "End");
    private static final Set<String> CHOICE_FIELDS = Set.of("Type", "Comment", "Choices", "Default");
    private static final Set<String> FAIL_FIELDS = Set.of("Type", "Comment", "Error", "ErrorPath", "Cause", "CausePath");
    private static final Set<String> SUCCEED_FIELDS = Set.of("Type", "Comment");
    private static final Set<String> RETRIER_FIELDS = Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts",
            "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment");
    private static final Set<String> CATCHER_FIELDS = Set.of("ErrorEquals", "ResultPath", "Next", "Comment");

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
        Integer timeoutSeconds = optionalSeconds(machine, "TimeoutSeconds", "the top level");
        JsonObject statesJson = requiredObject(machine, "States", "the top level");
        if (statesJson.isEmpty()) {
            throw new InvalidDefinitionException("States must name at least one state");
        }
        Map<String, State> states = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : statesJson.entrySet()) {
            String name = entry.getKey();
            if (name.isEmpty() || name.codePointCount(0, name.length()) > 80) {
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
            for (String target : transitions(state)) {
                if (!states.containsKey(target)) {
                    throw new InvalidDefinitionException("state '" + state.name() + "' has a transition to '"
                            + target + "', which does not exist");
                }
            }
        }
        if (states.values().stream().noneMatch(DefinitionParser::isTerminal)) {
            throw new InvalidDefinitionException("MISSING_END_STATE: the workflow has no terminal state"
                    + " (a Succeed or Fail state, or a state with \"End\": true)");
        }
        Set<String> reached = new LinkedHashSet<>();
        Deque<String> toVisit = new ArrayDeque<>(List.of(startAt));
        while (!toVisit.isEmpty()) {
            String name = toVisit.pop();
            if (reached.add(name)) {
                toVisit.addAll(transitions(states.get(name)));
            }
        }
        for (String name : states.keySet()) {
            if (!reached.contains(name)) {
                throw new InvalidDefinitionException("state '" + name + "' cannot be reached: no transition from "
                        + "StartAt leads to it");
            }
        }
        return new StateMachineDefinition(startAt, states, timeoutSeconds);
    }

    private static boolean isTerminal(State state) {
        return state instanceof SucceedState || state instanceof FailState
                || (state instanceof TaskState task && task.next() == null);
    }

    /** The states a state can go to: Next, the catchers' Next, a Choice's rules and Default. */
    private static List<String> transitions(State state) {
        List<String> targets = new ArrayList<>();
        switch (state) {
            case TaskState task -> {
                if (task.next() != null) {
                    targets.add(task.next());
                }
                task.catchers().forEach(catcher -> targets.add(catcher.next()));
            }
            case ChoiceState choice -> {
                choice.choices().forEach(c -> targets.add(c.next()));
                if (choice.defaultNext() != null) {
                    targets.add(choice.defaultNext());
                }
            }
            case FailState fail -> {
            }
            case SucceedState succeed -> {
            }
        }
        return targets;
    }

    private State state(String name, JsonObject json) throws InvalidDefinitionException {
        String where = "state '" + name + "'";
        String type = requiredString(json, "Type", where);
        return switch (type) {
            case "Task" -> task(name, json, where);
            case "Choice" -> choice(name, json, where);
            case "Fail" -> fail(name, json, where);
            case "Succeed" -> {
                onlyFields(json, SUCCEED_FIELDS, where);
                yield new SucceedState(name);
            }
            default -> throw new InvalidDefinitionException("state type '" + type + "' (" + where
                    + ") is not supported by the local stack, which runs only Task, Choice, Fail and Succeed states");
        };
    }

    private TaskState task(String name, JsonObject json, String where) throws InvalidDefinitionException {
        onlyFields(json, TASK_FIELDS, where);
        String resource = requiredString(json, "Resource", where);
        Integration integration;
        if (SQS_WAIT_FOR_TASK_TOKEN.matcher(resource).matches()) {
            integration = Integration.SQS_SEND_MESSAGE;
        } else if (LAMBDA_WAIT_FOR_TASK_TOKEN.matcher(resource).matches()) {
            integration = Integration.LAMBDA_INVOKE;
        } else {
            throw new InvalidDefinitionException("resource '" + resource + "' (" + where
                    + ") is not supported by the local stack, which runs only arn:aws:states:::sqs:sendMessage.waitForTaskToken"
                    + " and arn:aws:states:::lambda:invoke.waitForTaskToken");
        }
        PayloadTemplate parameters = PayloadTemplate.compile(requiredObject(json, "Parameters", where),
                "the Parameters of " + where);
        for (String field : parameters.topLevelFields()) {
            if (!integration.parameters().contains(field)) {
                throw new InvalidDefinitionException("Parameters field '" + field + "' (" + where
                        + ") is not supported by the local stack's " + integration.resourceType() + ":"
                        + integration.resource() + " integration; supported: "
                        + String.join(", ", sorted(integration.parameters())));
            }
        }
        for (String required : integration.requiredParameters()) {
            if (!parameters.topLevelFields().contains(required)) {
                throw new InvalidDefinitionException("the Parameters of " + where + " must set " + required);
            }
        }
        ResultPath resultPath = resultPath(json, where);
        Integer timeout = optionalSeconds(json, "TimeoutSeconds", where);
        Integer heartbeat = optionalSeconds(json, "HeartbeatSeconds", where);
        int timeoutSeconds = timeout == null ? TaskState.DEFAULT_TIMEOUT_SECONDS : timeout;
        if (heartbeat != null && heartbeat >= timeoutSeconds) {
            throw new InvalidDefinitionException("HeartbeatSeconds (" + heartbeat + ") of " + where
                    + " must be smaller than TimeoutSeconds (" + timeoutSeconds + ")");
        }
        List<Retrier> retriers = retriers(json, where);
        List<Catcher> catchers = catchers(json, where);
        return new TaskState(name, integration, resource, parameters, resultPath, timeoutSeconds, heartbeat, retriers,
                catchers, transition(json, where));
    }

    private ChoiceState choice(String name, JsonObject json, String where) throws InvalidDefinitionException {
        onlyFields(json, CHOICE_FIELDS, where);
        if (json.has("End") || json.has("Next")) {
            throw new InvalidDefinitionException(where + ": a Choice state has neither Next nor End");
        }
        JsonArray array = array(json, "Choices", where);
        if (array.isEmpty()) {
            throw new InvalidDefinitionException("Choices in " + where + " must hold at least one rule");
        }
        List<ChoiceState.Choice> choices = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = "Choices[" + i + "] of " + where;
            JsonObject rule = object(array.get(i), at);
            String next = requiredString(rule, "Next", at);
            JsonObject withoutNext = rule.deepCopy();
            withoutNext.remove("Next");
            choices.add(new ChoiceState.Choice(choiceRule(withoutNext, at), next));
        }
        String defaultNext = json.has("Default") ? string(json, "Default", where) : null;
        return new ChoiceState(name, choices, defaultNext);
    }

    private static ChoiceRule choiceRule(JsonObject rule, String where) throws InvalidDefinitionException {
        if (rule.has("Next")) {
            throw new InvalidDefinitionException(where + ": only a top-level Choice Rule has Next");
        }
        JsonObject fields = rule.deepCopy();
        fields.remove("Comment");
        if (fields.has("And") || fields.has("Or")) {
            String operator = fields.has("And") ? "And" : "Or";
            if (fields.size() != 1) {
                throw new InvalidDefinitionException(where + ": " + operator + " must be the rule's only field, not "
                        + fields.keySet());
            }
            JsonArray array = array(fields, operator, where);
            if (array.isEmpty()) {
                throw new InvalidDefinitionException(where + ": " + operator + " must hold at least one rule");
            }
            List<ChoiceRule> rules = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                String at = operator + "[" + i + "] of " + where;
                rules.add(choiceRule(object(array.get(i), at), at));
            }
            return operator.equals("And") ? new ChoiceRule.And(rules) : new ChoiceRule.Or(rules);
        }
        if (fields.has("Not")) {
            if (fields.size() != 1) {
                throw new InvalidDefinitionException(where + ": Not must be the rule's only field, not " + fields.keySet());
            }
            return new ChoiceRule.Not(choiceRule(object(fields.get("Not"), "Not of " + where), "Not of " + where));
        }
        String variable = requiredString(fields, "Variable", where);
        fields.remove("Variable");
        if (fields.size() != 1) {
            throw new InvalidDefinitionException(where + " must have exactly one comparison operator next to Variable, not "
                    + fields.keySet());
        }
        String operatorName = fields.keySet().iterator().next();
        ChoiceRule.Operator operator;
        try {
            operator = ChoiceRule.Operator.valueOf(operatorName);
        } catch (IllegalArgumentException e) {
            throw new InvalidDefinitionException("Choice operator '" + operatorName + "' (" + where
                    + ") is not supported by the local stack; supported: And, Or, Not, "
                    + java.util.Arrays.stream(ChoiceRule.Operator.values()).map(Enum::name)
                            .collect(java.util.stream.Collectors.joining(", ")));
        }
        JsonElement operand = fields.get(operatorName);
        if (!operator.accepts(operand)) {
            throw new InvalidDefinitionException(operatorName + " in " + where + " must be " + operator.operandType());
        }
        StatePath path;
        try {
            path = StatePath.reference(variable);
        } catch (InvalidDefinitionException e) {
            throw new InvalidDefinitionException("Variable of " + where + ": " + e.getMessage());
        }
        return new ChoiceRule.Comparison(path, operator, operand.deepCopy());
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
        StatePath errorPath = json.has("ErrorPath") ? statePath(json, "ErrorPath", where) : null;
        StatePath causePath = json.has("CausePath") ? statePath(json, "CausePath", where) : null;
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
            int interval = json(retrier, "IntervalSeconds") ? intIn(retrier, "IntervalSeconds", at, 1, MAX_SECONDS) : 1;
            int maxAttempts = json(retrier, "MaxAttempts") ? intIn(retrier, "MaxAttempts", at, 0, MAX_ATTEMPTS) : 3;
            double backoff = 2.0;
            if (json(retrier, "BackoffRate")) {
                JsonElement value = retrier.get("BackoffRate");
                if (!isNumber(value) || value.getAsDouble() < 1.0) {
                    throw new InvalidDefinitionException("BackoffRate in " + at + " must be a number >= 1.0");
                }
                backoff = value.getAsDouble();
            }
            Integer maxDelay = json(retrier, "MaxDelaySeconds")
                    ? intIn(retrier, "MaxDelaySeconds", at, 1, MAX_DELAY_SECONDS) : null;
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

    /** ErrorPath and CausePath: a reference path on the input or the context object (intrinsics not supported). */
    private static StatePath statePath(JsonObject json, String field, String where) throws InvalidDefinitionException {
        String text = string(json, field, where);
        if (text.startsWith("States.")) {
            throw new InvalidDefinitionException("intrinsic function '" + text + "' in " + field + " of " + where
                    + " is not supported by the local stack");
        }
        try {
            return StatePath.reference(text);
        } catch (InvalidDefinitionException e) {
            throw new InvalidDefinitionException(field + " of " + where + ": " + e.getMessage());
        }
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

    private static Integer optionalSeconds(JsonObject json, String field, String where)
            throws InvalidDefinitionException {
        return json.has(field) ? intIn(json, field, where, 1, MAX_SECONDS) : null;
    }

    private static int intIn(JsonObject json, String field, String where, int min, int max)
            throws InvalidDefinitionException {
        int value = integer(json, field, where);
        if (value < min || value > max) {
            throw new InvalidDefinitionException(field + " in " + where + " must be from " + min + " to " + max
                    + ", not " + value);
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
