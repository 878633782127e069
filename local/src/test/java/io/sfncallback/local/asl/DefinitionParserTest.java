package io.sfncallback.local.asl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sfncallback.local.support.Definitions;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DefinitionParserTest {

    private final DefinitionParser parser = new DefinitionParser();

    @Test
    void parsesTheProjectStateMachine() throws Exception {
        StateMachineDefinition definition = parser.parse(Definitions.project(60, 3600));
        TaskState task = assertInstanceOf(TaskState.class, definition.state(definition.startAt()));
        assertEquals(60, task.heartbeatSeconds());
        assertEquals(3600, task.timeoutSeconds());
        // A result without approvalRequest goes on through the ApprovalRequested Choice to Done.
        assertEquals("ApprovalRequested", task.next());
        assertEquals(1, task.retriers().size());
        assertEquals(Retrier.Jitter.FULL, task.retriers().get(0).jitter());
        assertEquals(List.of("States.HeartbeatTimeout"), task.catchers().get(0).errorEquals());
        assertEquals(List.of("States.Timeout"), task.catchers().get(1).errorEquals());
        assertEquals(List.of("States.ALL"), task.catchers().get(2).errorEquals());
        assertEquals(Integration.SQS_SEND_MESSAGE, task.integration());
        assertEquals("Task.NoHeartbeat", assertInstanceOf(FailState.class, definition.state("NoHeartbeat")).error());
        assertEquals("Task.TookTooLong", assertInstanceOf(FailState.class, definition.state("TookTooLong")).error());
        assertEquals("$.Error", assertInstanceOf(FailState.class, definition.state("WorkerFailed")).errorPath().text());
        assertInstanceOf(SucceedState.class, definition.state("Done"));
    }

    @Test
    void acceptsErrorPathAndCausePathOnTheContextObject() throws Exception {
        // AWS runs this definition: LocalStack parity snapshot
        // tests/aws/services/stepfunctions/v2/context_object/test_context_object.snapshot.json, test_error_cause_path,
        // recorded 2024-11-28 (error = the state's name, cause = the state machine's name).
        StateMachineDefinition definition = parser.parse("""
                {"StartAt":"StartState","States":{"StartState":{"Type":"Fail",
                  "ErrorPath":"$$.State.Name","CausePath":"$$.StateMachine.Name"}}}""");
        FailState fail = assertInstanceOf(FailState.class, definition.state("StartState"));
        assertTrue(fail.errorPath().readsContext());
    }

    @Test
    void parsesChoiceRulesWithAndOrNotAndDefault() throws Exception {
        StateMachineDefinition definition = parser.parse("""
                {"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
                  {"And":[{"Variable":"$.a","IsPresent":true},{"Not":{"Variable":"$.a","StringEquals":"x"}}],"Next":"S"},
                  {"Or":[{"Variable":"$.b","BooleanEquals":true},{"Variable":"$$.Execution.Name","IsNull":false}],"Next":"S"}],
                  "Default":"F"},"S":{"Type":"Succeed"},"F":{"Type":"Fail"}}}""");
        ChoiceState choice = assertInstanceOf(ChoiceState.class, definition.state("C"));
        assertEquals(2, choice.choices().size());
        assertInstanceOf(ChoiceRule.And.class, choice.choices().get(0).rule());
        assertEquals("F", choice.defaultNext());
    }

    private static String task(String extraFields) {
        return """
                {"StartAt":"T","States":{"T":{"Type":"Task",
                  "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  "Parameters":{"QueueUrl":"q","MessageBody":{"TaskToken.$":"$$.Task.Token"}},
                  %s "End":true}}}""".formatted(extraFields);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a Pass state|{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}|state type 'Pass'",
        "InputPath|" + "INPUT_PATH" + "|field 'InputPath'",
        "another resource|{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\",\"End\":true}}}|resource 'arn:aws:states:::lambda:invoke'",
        "an intrinsic function|INTRINSIC|intrinsic function 'States.Format",
        "a heartbeat not below the timeout|HEARTBEAT|HeartbeatSeconds (10) of state 'T' must be smaller than TimeoutSeconds (10)",
        "States.ALL with others|ALL_NOT_ALONE|must appear alone",
        "an unknown SendMessage field|MESSAGE_ATTRIBUTES|Parameters field 'MessageAttributes'",
        "a missing Next target|{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Fail\"},\"U\":{\"Type\":\"Succeed\",\"Next\":\"X\"}}}|field 'Next' in state 'U'",
        "an unreachable state|UNREACHABLE|state 'Orphan' cannot be reached",
        "no terminal state|NO_TERMINAL|MISSING_END_STATE",
        "MaxAttempts above 99999999|MAX_ATTEMPTS|MaxAttempts in Retry[0] of state 'T' must be from 0 to 99999999",
        "a negative MaxAttempts|NEGATIVE_ATTEMPTS|MaxAttempts in Retry[0] of state 'T' must be from 0 to 99999999",
        "IntervalSeconds 0|INTERVAL_ZERO|IntervalSeconds in Retry[0] of state 'T' must be from 1 to 99999999",
        "MaxDelaySeconds above 31622400|MAX_DELAY|MaxDelaySeconds in Retry[0] of state 'T' must be from 1 to 31622400",
        "TimeoutSeconds above 99999999|TIMEOUT_TOO_LONG|TimeoutSeconds in state 'T' must be from 1 to 99999999",
        "a Choice operator the local stack does not run|STRING_MATCHES|Choice operator 'StringMatches'",
        "a Choice operand of the wrong type|WRONG_OPERAND|StringEquals in Choices[0] of state 'C' must be a string",
        "a Lambda parameter the local stack does not pass on|LAMBDA_QUALIFIER|Parameters field 'InvocationType'",
        "an intrinsic function in ErrorPath|INTRINSIC_ERROR_PATH|intrinsic function 'States.Format('{}', $.a)' in ErrorPath",
        "a bad ResultPath|BAD_RESULT_PATH|ResultPath of state 'T'",
        "not JSON|{|not valid JSON"})
    void rejectsWhatTheLocalStackDoesNotRunNamingIt(String what, String definition, String expected) {
        String text = switch (definition) {
            case "INPUT_PATH" -> task("\"InputPath\":\"$.x\",");
            case "INTRINSIC" -> task("").replace("\"$$.Task.Token\"}", "\"$$.Task.Token\",\"X.$\":\"States.Format('{}', $.a)\"}");
            case "HEARTBEAT" -> task("\"HeartbeatSeconds\":10,\"TimeoutSeconds\":10,");
            case "ALL_NOT_ALONE" -> task("\"Retry\":[{\"ErrorEquals\":[\"States.ALL\",\"X\"]}],");
            case "MESSAGE_ATTRIBUTES" -> task("").replace("\"QueueUrl\":\"q\",", "\"QueueUrl\":\"q\",\"MessageAttributes\":{},");
            case "BAD_RESULT_PATH" -> task("\"ResultPath\":\"$..a\",");
            case "UNREACHABLE" -> task("").replace("\"End\":true}}", "\"End\":true},\"Orphan\":{\"Type\":\"Succeed\"}}");
            case "NO_TERMINAL" -> task("").replace("\"End\":true", "\"Next\":\"T\"");
            case "MAX_ATTEMPTS" -> task("\"Retry\":[{\"ErrorEquals\":[\"X\"],\"MaxAttempts\":100000000}],");
            case "NEGATIVE_ATTEMPTS" -> task("\"Retry\":[{\"ErrorEquals\":[\"X\"],\"MaxAttempts\":-1}],");
            case "INTERVAL_ZERO" -> task("\"Retry\":[{\"ErrorEquals\":[\"X\"],\"IntervalSeconds\":0}],");
            case "MAX_DELAY" -> task("\"Retry\":[{\"ErrorEquals\":[\"X\"],\"MaxDelaySeconds\":31622401}],");
            case "TIMEOUT_TOO_LONG" -> task("\"TimeoutSeconds\":100000000,");
            case "STRING_MATCHES" -> "{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"StringMatches\":\"x*\",\"Next\":\"S\"}]},\"S\":{\"Type\":\"Succeed\"}}}";
            case "WRONG_OPERAND" -> "{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.a\",\"StringEquals\":1,\"Next\":\"S\"}]},\"S\":{\"Type\":\"Succeed\"}}}";
            case "LAMBDA_QUALIFIER" -> "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke.waitForTaskToken\",\"Parameters\":{\"FunctionName\":\"f\",\"InvocationType\":\"Event\"},\"End\":true}}}";
            case "INTRINSIC_ERROR_PATH" -> "{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"ErrorPath\":\"States.Format('{}', $.a)\"}}}";
            default -> definition;
        };
        InvalidDefinitionException error = assertThrows(InvalidDefinitionException.class, () -> parser.parse(text));
        assertTrue(error.getMessage().contains(expected), what + ": " + error.getMessage());
    }
}
