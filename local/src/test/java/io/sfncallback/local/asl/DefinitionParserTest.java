package io.sfncallback.local.asl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sfncallback.local.support.Definitions;
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
        assertEquals("Done", task.next());
        assertEquals(1, task.retriers().size());
        assertEquals(Retrier.Jitter.FULL, task.retriers().get(0).jitter());
        assertEquals(2, task.catchers().size());
        assertInstanceOf(FailState.class, definition.state("TimedOut"));
        assertInstanceOf(SucceedState.class, definition.state("Done"));
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
            default -> definition;
        };
        InvalidDefinitionException error = assertThrows(InvalidDefinitionException.class, () -> parser.parse(text));
        assertTrue(error.getMessage().contains(expected), what + ": " + error.getMessage());
    }
}
