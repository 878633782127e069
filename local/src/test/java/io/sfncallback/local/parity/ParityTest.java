package io.sfncallback.local.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.sfncallback.local.api.Arns;
import io.sfncallback.local.api.SfnApi;
import io.sfncallback.local.api.SfnHttpServer;
import io.sfncallback.local.api.StateMachines;
import io.sfncallback.local.asl.DefinitionParser;
import io.sfncallback.local.engine.ExecutionEngine;
import io.sfncallback.local.functions.LocalFunctions;
import io.sfncallback.local.json.Json;
import io.sfncallback.local.support.Await;
import io.sfncallback.local.support.Definitions;
import io.sfncallback.local.support.RecordingSender;
import io.sfncallback.local.support.SfnClients;
import io.sfncallback.testkit.CallbackLedger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * The parity suite: each case of {@code src/test/resources/parity/cases.json} is a definition, an input, the
 * callbacks a worker makes, and the outcome AWS gives, with its source (an AWS documentation page, or a LocalStack
 * parity snapshot recorded against AWS, with its recording date). Every case runs through the real endpoint with the
 * AWS SDK; the test plays the worker. Choice tables ({@code "choiceTable"}) expand to one case per recorded row.
 * See local/README.md for what the cases cover.
 */
class ParityTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ACCOUNT = "123456789012";
    private static final RecordingSender sender = new RecordingSender();
    private static ExecutionEngine engine;
    private static SfnHttpServer server;
    private static SfnClient sfn;

    @BeforeAll
    static void start() throws Exception {
        Arns arns = new Arns("aws", "us-east-1", ACCOUNT);
        LocalFunctions functions = new LocalFunctions("us-east-1", ACCOUNT)
                .register("echo", payload -> payload)
                .register("throws", payload -> {
                    throw new IllegalStateException("no approver for this request");
                });
        engine = new ExecutionEngine(Clock.systemUTC(), sender, functions, "us-east-1");
        StateMachines machines = new StateMachines(arns, Clock.systemUTC(), new DefinitionParser());
        server = SfnHttpServer.start("127.0.0.1", 0, new SfnApi(arns, machines, engine, new CallbackLedger()));
        sfn = SfnClients.local(server.endpoint());
    }

    @AfterAll
    static void stop() {
        sfn.close();
        server.close();
        engine.close();
    }

    /** The number of cases: reported by the suite so it can be quoted. */
    static int caseCount(JsonArray cases) {
        int count = 0;
        for (JsonElement element : cases) {
            JsonObject parityCase = element.getAsJsonObject();
            count += parityCase.has("choiceTable")
                    ? parityCase.getAsJsonObject("choiceTable").getAsJsonArray("rows").size() : 1;
        }
        return count;
    }

    @TestFactory
    Stream<DynamicTest> casesMatchTheRecordedAwsOutcomes() throws IOException {
        JsonArray cases = load();
        System.out.println("[parity] " + caseCount(cases) + " cases");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement element : cases) {
            JsonObject parityCase = element.getAsJsonObject();
            String source = parityCase.get("source").getAsString();
            assertFalse(source.isBlank(), "every case names its evidence");
            if (parityCase.has("choiceTable")) {
                JsonObject table = parityCase.getAsJsonObject("choiceTable");
                String operator = table.get("operator").getAsString();
                for (JsonElement row : table.getAsJsonArray("rows")) {
                    JsonArray values = row.getAsJsonArray();
                    tests.add(DynamicTest.dynamicTest(operator + " " + values.get(0) + " vs " + values.get(1),
                            () -> runChoiceRow(operator, values.get(0), values.get(1), values.get(2).getAsBoolean())));
                }
            } else {
                tests.add(DynamicTest.dynamicTest(parityCase.get("name").getAsString(), () -> run(parityCase)));
            }
        }
        return tests.stream();
    }

    private static JsonArray load() throws IOException {
        try (InputStream in = ParityTest.class.getResourceAsStream("/parity/cases.json")) {
            return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonArray();
        }
    }

    /** The recorded tables' state machine: Variable compared with the literal operand, Next on a match, else Default. */
    private static void runChoiceRow(String operator, JsonElement variable, JsonElement operand, boolean matches) {
        String definition = """
                {"StartAt":"CheckValues","States":{"CheckValues":{"Type":"Choice",
                  "Choices":[{"Variable":"$.Variable","%s":%s,"Next":"ConditionTrue"}],"Default":"ConditionFalse"},
                 "ConditionTrue":{"Type":"Succeed"},"ConditionFalse":{"Type":"Fail","Error":"ConditionFalse"}}}"""
                .formatted(operator, Json.write(operand));
        JsonObject input = new JsonObject();
        input.add("Variable", variable);
        String machine = createMachine(definition);
        String executionArn = sfn.startExecution(b -> b.stateMachineArn(machine).input(Json.write(input))).executionArn();
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, executionArn, WAIT);
        assertEquals(matches ? "SUCCEEDED" : "FAILED", execution.statusAsString(), operator + " " + variable);
    }

    private static String createMachine(String definition) {
        return sfn.createStateMachine(b -> b.name("parity-" + UUID.randomUUID()).definition(definition)
                .roleArn("arn:aws:iam::" + ACCOUNT + ":role/parity")).stateMachineArn();
    }

    private static void run(JsonObject parityCase) {
        String definition = parityCase.get("definition").isJsonPrimitive()
                ? Definitions.project(parityCase.get("heartbeatSeconds").getAsInt(),
                        parityCase.get("timeoutSeconds").getAsInt())
                : Json.write(parityCase.get("definition"));
        String machineArn = createMachine(definition);
        String machineName = machineArn.substring(machineArn.lastIndexOf(':') + 1);
        JsonElement input = parityCase.has("input") ? parityCase.get("input") : new JsonObject();
        if (parityCase.has("inputPadTo")) {
            input = padded(input.getAsJsonObject(), parityCase.get("inputPadTo").getAsInt());
        }
        String inputText = Json.write(input);
        String executionArn = sfn.startExecution(b -> b.stateMachineArn(machineArn).input(inputText)).executionArn();
        JsonArray callbacks = parityCase.has("callbacks") ? parityCase.getAsJsonArray("callbacks") : new JsonArray();
        for (int i = 0; i < callbacks.size(); i++) {
            String token = token(executionArn, i + 1);
            JsonObject callback = callbacks.get(i).getAsJsonObject();
            switch (callback.get("action").getAsString()) {
                case "success" -> {
                    JsonElement output = callback.get("output");
                    if (callback.has("outputPadTo")) {
                        output = padded(output.getAsJsonObject(), callback.get("outputPadTo").getAsInt());
                    }
                    String outputText = Json.write(output);
                    sfn.sendTaskSuccess(b -> b.taskToken(token).output(outputText));
                }
                case "failure" -> sfn.sendTaskFailure(b -> b.taskToken(token)
                        .error(optional(callback, "error")).cause(optional(callback, "cause")));
                case "none" -> {
                    // the worker never answers: a timeout ends the task
                }
                default -> throw new IllegalArgumentException("unknown callback " + callback);
            }
        }
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, executionArn, WAIT);
        JsonObject expect = parityCase.getAsJsonObject("expect");
        Map<String, String> placeholders = Map.of("${stateMachineName}", machineName, "${account}", ACCOUNT);
        assertEquals(expect.get("status").getAsString(), execution.statusAsString(), "status; cause: " + execution.cause());
        if (expect.has("error")) {
            assertEquals(text(expect.get("error"), placeholders), execution.error(), "error");
        }
        if (expect.has("cause")) {
            assertEquals(text(expect.get("cause"), placeholders), execution.cause(), "cause");
        }
        if (expect.has("causeStartsWith")) {
            String prefix = text(expect.get("causeStartsWith"), placeholders);
            assertTrue(execution.cause() != null && execution.cause().startsWith(prefix), execution.cause());
        }
        if (expect.has("output")) {
            assertEquals(expect.get("output"), Json.parse(execution.output()), "output");
        }
        List<HistoryEvent> history = SfnClients.history(sfn, executionArn);
        List<String> types = history.stream().map(HistoryEvent::typeAsString).toList();
        if (expect.has("events")) {
            List<String> expected = new ArrayList<>();
            expect.getAsJsonArray("events").forEach(type -> expected.add(type.getAsString()));
            assertEquals(expected, types, "history event types");
        }
        if (expect.has("eventDetails")) {
            for (Map.Entry<String, JsonElement> entry : expect.getAsJsonObject("eventDetails").entrySet()) {
                JsonObject details = detailsOf(history, entry.getKey());
                for (Map.Entry<String, JsonElement> field : entry.getValue().getAsJsonObject().entrySet()) {
                    JsonElement actual = details.has(field.getKey()) ? details.get(field.getKey()) : JsonNull.INSTANCE;
                    JsonElement wanted = field.getValue();
                    if (wanted.isJsonPrimitive() && wanted.getAsJsonPrimitive().isString()) {
                        wanted = new JsonPrimitive(text(wanted, placeholders));
                    }
                    if (!wanted.isJsonPrimitive() && actual.isJsonPrimitive() && !wanted.isJsonNull()) {
                        actual = Json.parse(actual.getAsString());
                    }
                    assertEquals(wanted, actual, entry.getKey() + "." + field.getKey());
                }
            }
        }
    }

    private static String optional(JsonObject callback, String field) {
        return callback.has(field) && !callback.get(field).isJsonNull() ? callback.get(field).getAsString() : null;
    }

    private static String text(JsonElement value, Map<String, String> placeholders) {
        if (value.isJsonNull()) {
            return null;
        }
        String text = value.getAsString();
        for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
            text = text.replace(placeholder.getKey(), placeholder.getValue());
        }
        return text;
    }

    /** {@code object} with a "pad" field that makes it exactly {@code bytes} of UTF-8 JSON. */
    private static JsonObject padded(JsonObject object, int bytes) {
        JsonObject copy = object.deepCopy();
        copy.addProperty("pad", "");
        int missing = bytes - Json.write(copy).getBytes(StandardCharsets.UTF_8).length;
        copy.addProperty("pad", "a".repeat(missing));
        assertEquals(bytes, Json.write(copy).getBytes(StandardCharsets.UTF_8).length);
        return copy;
    }

    /** The details of the first event of {@code type}, as JSON. */
    private static JsonObject detailsOf(List<HistoryEvent> history, String type) {
        HistoryEvent event = history.stream().filter(e -> e.typeAsString().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event in " + history));
        Object details = switch (HistoryEventType.fromValue(type)) {
            case TASK_SCHEDULED -> event.taskScheduledEventDetails();
            case TASK_STARTED -> event.taskStartedEventDetails();
            case TASK_SUBMITTED -> event.taskSubmittedEventDetails();
            case TASK_FAILED -> event.taskFailedEventDetails();
            case TASK_TIMED_OUT -> event.taskTimedOutEventDetails();
            case TASK_SUCCEEDED -> event.taskSucceededEventDetails();
            case EXECUTION_FAILED -> event.executionFailedEventDetails();
            case EXECUTION_TIMED_OUT -> event.executionTimedOutEventDetails();
            case TASK_STATE_EXITED, CHOICE_STATE_EXITED -> event.stateExitedEventDetails();
            default -> event.stateEnteredEventDetails();
        };
        assertNotNull(details, type);
        JsonObject json = new JsonObject();
        for (var field : ((software.amazon.awssdk.core.SdkPojo) details).sdkFields()) {
            Object value = field.getValueOrDefault(details);
            if (value != null) {
                json.addProperty(field.memberName(), value instanceof String text ? text : String.valueOf(value));
            }
        }
        return json;
    }

    /** The task token of the n-th TaskScheduled event: the value of a "TaskToken" field at any depth. */
    private static String token(String executionArn, int n) {
        return Await.value(WAIT, "TaskScheduled #" + n, () -> {
            List<HistoryEvent> scheduled = SfnClients.history(sfn, executionArn).stream()
                    .filter(event -> event.type() == HistoryEventType.TASK_SCHEDULED).toList();
            if (scheduled.size() < n) {
                return null;
            }
            return findToken(Json.parse(scheduled.get(n - 1).taskScheduledEventDetails().parameters()));
        });
    }

    private static String findToken(JsonElement element) {
        if (element.isJsonObject()) {
            for (Map.Entry<String, JsonElement> field : element.getAsJsonObject().entrySet()) {
                if (field.getKey().equals("TaskToken") && field.getValue().isJsonPrimitive()) {
                    return field.getValue().getAsString();
                }
                String found = findToken(field.getValue());
                if (found != null) {
                    return found;
                }
            }
        } else if (element.isJsonArray()) {
            for (JsonElement item : element.getAsJsonArray()) {
                String found = findToken(item);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
