package io.sfncallback.local.api;

import io.sfncallback.local.asl.DefinitionParser;
import io.sfncallback.local.engine.ExecutionEngine;
import io.sfncallback.local.support.Definitions;
import io.sfncallback.local.support.RecordingSender;
import io.sfncallback.local.support.SfnClients;
import io.sfncallback.testkit.CallbackLedger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidExecutionInputException;
import software.amazon.awssdk.services.sfn.model.InvalidNameException;
import software.amazon.awssdk.services.sfn.model.InvalidOutputException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.SfnException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests AWS refuses are refused the same way; malformed requests get a 4xx, never a 500 or a stack trace. */
class ApiValidationTest {

    private static final RecordingSender sender = new RecordingSender();
    private static final CallbackLedger ledger = new CallbackLedger();
    private static ExecutionEngine engine;
    private static SfnHttpServer server;
    private static SfnClient sfn;
    private static String machineArn;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Arns arns = new Arns("aws", "us-east-1", "123456789012");
        engine = new ExecutionEngine(Clock.systemUTC(), sender, "us-east-1");
        StateMachines machines = new StateMachines(arns, Clock.systemUTC(), new DefinitionParser());
        server = SfnHttpServer.start("127.0.0.1", 0, new SfnApi(arns, machines, engine, ledger));
        sfn = SfnClients.local(server.endpoint());
        machineArn = sfn.createStateMachine(b -> b.name("validation").definition(Definitions.project(60, 3600))
                .roleArn("arn:aws:iam::123456789012:role/local")).stateMachineArn();
    }

    @AfterAll
    static void stop() {
        sfn.close();
        server.close();
        engine.close();
    }

    /** An empty input is not an absent one (LocalStack parity snapshot test_sfn_api.snapshot.json,
     * test_invalid_start_execution_input, recorded against AWS 2023-06-22: "Invalid execution input."). */
    @Test
    void anEmptyInputIsInvalidExecutionInputButAnyJsonValueIsAccepted() {
        InvalidExecutionInputException error = assertThrows(InvalidExecutionInputException.class,
                () -> sfn.startExecution(b -> b.stateMachineArn(machineArn).input("")));
        assertTrue(error.getMessage().contains("Invalid execution input."), error.getMessage());
        for (String input : new String[] {"2", "\"str\"", "null"}) {
            sfn.startExecution(b -> b.stateMachineArn(machineArn).input(input));
        }
    }

    /** "" is not JSON: InvalidOutput (SendTaskSuccess API reference), not a null output. */
    @Test
    void anEmptyOutputIsInvalidOutput() throws Exception {
        String executionArn = sfn.startExecution(b -> b.stateMachineArn(machineArn).input("{}")).executionArn();
        // The other tests' executions send messages to the same sender; on a busy machine theirs can be
        // older than a minute, with their tasks timed out (HeartbeatSeconds 60): take this execution's.
        com.google.gson.JsonObject message;
        do {
            message = io.sfncallback.local.json.Json.parse(sender.next(java.time.Duration.ofSeconds(20)).body())
                    .getAsJsonObject();
        } while (!executionArn.equals(message.get("ExecutionArn").getAsString()));
        String token = message.get("TaskToken").getAsString();
        assertThrows(InvalidOutputException.class, () -> sfn.sendTaskSuccess(b -> b.taskToken(token).output("")));
        assertThrows(InvalidOutputException.class, () -> sfn.sendTaskSuccess(b -> b.taskToken(token).output("  ")));
        sfn.sendTaskSuccess(b -> b.taskToken(token).output("null"));
    }

    /** StartExecution API reference: no white space (Unicode's, not only ASCII), 80 characters counted as such. */
    @ParameterizedTest
    @ValueSource(strings = {"no\u00A0break", "em\u2003space", "ideographic\u3000space", "line\u2028separator",
        "tab\tname", "a<b", "q?", "hash#", "colon:", "slash/", "del\u007F", "c1\u0085", "nonchar\uFFFE", "lone\uD800"})
    void namesAwsRefusesAreInvalidName(String name) {
        assertThrows(InvalidNameException.class,
                () -> sfn.startExecution(b -> b.stateMachineArn(machineArn).name(name).input("{}")));
    }

    @Test
    void nameLengthCountsCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDE00";
        sfn.startExecution(b -> b.stateMachineArn(machineArn).name(emoji.repeat(41)).input("{}"));
        sfn.startExecution(b -> b.stateMachineArn(machineArn).name(emoji.repeat(80)).input("{}"));
        SfnException tooLong = assertThrows(SfnException.class,
                () -> sfn.startExecution(b -> b.stateMachineArn(machineArn).name(emoji.repeat(81)).input("{}")));
        assertEquals(400, tooLong.statusCode());
        sfn.startExecution(b -> b.stateMachineArn(machineArn).name("caf\u00E9-\u65E5\u672C-" + UUID.randomUUID())
                .input("{}"));
    }

    /** InvalidArn as AWS words it (test_sfn_api.snapshot.json, test_describe_execution_invalid_arn, 2024-03-08). */
    @Test
    void malformedArnsAreInvalidArn() throws Exception {
        assertEquals("InvalidArn", raw("DescribeExecution", "{\"executionArn\":\"arn::::::\"}").type());
        assertEquals("InvalidArn", raw("DescribeExecution", "{\"executionArn\":\"arn:\"}").type());
        assertEquals("InvalidArn", raw("GetExecutionHistory", "{\"executionArn\":\"arn:aws:states:::execution::\"}").type());
        Answer prefix = raw("DescribeExecution", "{\"executionArn\":\"invalid_state_machine_arn\"}");
        assertEquals("Invalid Arn: 'Invalid ARN prefix: invalid_state_machine_arn'", prefix.message());
        assertEquals("InvalidArn", raw("ListExecutions", "{\"stateMachineArn\":\"arn:aws:states:x:y:stateMachine\"}").type());
        assertEquals("InvalidArn", raw("StartExecution", "{\"stateMachineArn\":\"arn:aws:states:us-east-1:123456789012:execution:a:b\"}").type());
    }

    @Test
    void malformedMembersAreSerializationOrValidationErrorsNeverA500() throws Exception {
        String machine = "\"stateMachineArn\":\"" + machineArn + "\"";
        String[][] requests = {
            {"ListExecutions", "{" + machine + ",\"maxResults\":1e999999999}"},
            {"ListExecutions", "{" + machine + ",\"maxResults\":-1e999999999}"},
            {"ListExecutions", "{" + machine + ",\"maxResults\":1.5}"},
            {"ListExecutions", "{" + machine + ",\"maxResults\":\"ten\"}"},
            {"ListExecutions", "{" + machine + ",\"maxResults\":2000}"},
            {"ListExecutions", "{" + machine + ",\"statusFilter\":[]}"},
            {"GetExecutionHistory", "{\"executionArn\":{},\"reverseOrder\":\"yes\"}"},
            {"StartExecution", "{" + machine + ",\"input\":{\"a\":1}}"},
            {"StartExecution", "{\"stateMachineArn\":null}"},
            {"SendTaskSuccess", "{\"taskToken\":7,\"output\":\"{}\"}"},
            {"SendTaskFailure", "{\"taskToken\":\"t\",\"error\":false}"},
            {"CreateStateMachine", "{\"name\":\"x\",\"definition\":\"{\",\"roleArn\":\"r\"}"},
            {"StopExecution", "[]"},
            {"DescribeExecution", "not json"},
            {"NoSuchOperation", "{}"},
        };
        for (String[] request : requests) {
            Answer answer = raw(request[0], request[1]);
            assertTrue(answer.status() >= 400 && answer.status() < 500, request[1] + " -> " + answer);
            assertFalse(answer.body().contains("Exception:") || answer.body().contains("\tat "), answer.body());
        }
    }

    /** Calls with tokens never issued answer InvalidToken and leave nothing behind (no CallbackLedger entry). */
    @Test
    void unknownTokensCostNoMemory() {
        int before = ledger.snapshot().size();
        for (int i = 0; i < 500; i++) {
            String token = "garbage-" + i;
            assertThrows(InvalidTokenException.class, () -> sfn.sendTaskHeartbeat(b -> b.taskToken(token)));
            assertThrows(InvalidTokenException.class, () -> sfn.sendTaskSuccess(b -> b.taskToken(token).output("{}")));
            assertThrows(InvalidTokenException.class, () -> sfn.sendTaskFailure(b -> b.taskToken(token)));
        }
        assertEquals(before, ledger.snapshot().size());
    }

    record Answer(int status, String type, String message, String body) {
    }

    private static Answer raw(String operation, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "AWSStepFunctions." + operation)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        var json = io.sfncallback.local.json.Json.parseStrict(response.body()).orElseThrow().getAsJsonObject();
        return new Answer(response.statusCode(), json.has("__type") ? json.get("__type").getAsString() : null,
                json.has("message") ? json.get("message").getAsString() : null, response.body());
    }
}
