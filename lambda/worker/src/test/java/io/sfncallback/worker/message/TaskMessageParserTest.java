package io.sfncallback.worker.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.sfncallback.core.callback.TokenFingerprint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskMessageParserTest {

    private final TaskMessageParser parser = new TaskMessageParser();

    private TaskMessage task(String body) {
        ParsedMessage parsed = parser.parse(body);
        assertThat(parsed).isInstanceOf(TaskMessage.class);
        return (TaskMessage) parsed;
    }

    private UnusableMessage unusable(String body) {
        ParsedMessage parsed = parser.parse(body);
        assertThat(parsed).isInstanceOf(UnusableMessage.class);
        return (UnusableMessage) parsed;
    }

    @Test
    void readsTheBodyStepFunctionsSends() {
        TaskMessage task = task("{\"TaskToken\":\"AAAA==\",\"ExecutionArn\":\"arn:aws:states:us-east-1:1:execution:sm:e1\","
                + "\"Input\":{\"orderId\":42,\"items\":[1,2]}}");

        assertThat(task.taskToken()).isEqualTo("AAAA==");
        assertThat(task.executionArn()).isEqualTo("arn:aws:states:us-east-1:1:execution:sm:e1");
        assertThat(task.input()).isEqualTo(JsonParser.parseString("{\"orderId\":42,\"items\":[1,2]}"));
    }

    @Test
    void acceptsTheLowerCaseTokenField() {
        assertThat(task("{\"taskToken\":\"t\"}").taskToken()).isEqualTo("t");
    }

    @Test
    void missingInputIsAnEmptyObjectAndMissingArnIsNull() {
        TaskMessage task = task("{\"TaskToken\":\"t\"}");

        assertThat(task.input()).isEqualTo(new JsonObject());
        assertThat(task.executionArn()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"text\"", "7", "true", "[1,{\"a\":2}]", "{}"})
    void inputMayBeAnyJsonValue(String input) {
        assertThat(task("{\"TaskToken\":\"t\",\"Input\":" + input + "}").input()).isEqualTo(JsonParser.parseString(input));
    }

    @Test
    void inputMayComeBeforeTheToken() {
        TaskMessage task = task("{\"Input\":{\"a\":1},\"Extra\":[{\"x\":null}],\"TaskToken\":\"t\"}");

        assertThat(task.taskToken()).isEqualTo("t");
        assertThat(task.input()).isEqualTo(JsonParser.parseString("{\"a\":1}"));
    }

    @Test
    void aTokenOfExactly2048CharactersIsAccepted() {
        String token = "a".repeat(TaskMessageParser.MAX_TOKEN_LENGTH);

        assertThat(task("{\"TaskToken\":\"" + token + "\"}").taskToken()).hasSize(2048);
    }

    @Test
    void aTokenOf2049CharactersIsRejectedWithoutShowingIt() {
        String token = "b".repeat(2049);
        UnusableMessage message = unusable("{\"TaskToken\":\"" + token + "\"}");

        assertThat(message.reason()).isEqualTo("TaskToken is 2049 characters long; Step Functions tokens have at most 2048");
        assertThat(message.hasToken()).isFalse();
    }

    @Test
    void aNonStringArnIsIgnored() {
        assertThat(task("{\"TaskToken\":\"t\",\"ExecutionArn\":{\"x\":1}}").executionArn()).isNull();
    }

    @Test
    void inputNestedWithinTheLimitIsKept() {
        int depth = TaskMessageParser.MAX_INPUT_NESTING - 1; // the body object itself is one level
        String input = "[".repeat(depth) + "]".repeat(depth);

        assertThat(task("{\"TaskToken\":\"t\",\"Input\":" + input + "}").input().isJsonArray()).isTrue();
    }

    @Test
    void inputNestedTooDeeplyKeepsTheTokenSoTheTaskCanBeFailed() {
        String input = "[".repeat(10_000) + "]".repeat(10_000);
        UnusableMessage message = unusable("{\"Input\":" + input + ",\"TaskToken\":\"tok\",\"ExecutionArn\":\"arn\"}");

        assertThat(message.taskToken()).isEqualTo("tok");
        assertThat(message.executionArn()).isEqualTo("arn");
        assertThat(message.reason()).startsWith("Input cannot be used: Nesting limit 255 reached");
    }

    @Test
    void duplicateKeysInsideInputKeepTheLastValueLikeJavaScriptsJsonParse() {
        assertThat(task("{\"TaskToken\":\"t\",\"Input\":{\"a\":1,\"a\":2}}").input())
                .isEqualTo(JsonParser.parseString("{\"a\":2}"));
    }

    @Test
    void theTokenNeverAppearsInToString() {
        String token = "secret-token-value";

        assertThat(task("{\"TaskToken\":\"" + token + "\"}").toString()).doesNotContain(token).contains(TokenFingerprint.of(token));
        assertThat(new UnusableMessage("bad input", token, null).toString()).doesNotContain(token);
    }

    @Test
    void lenientJsonIsRefused() {
        assertThat(unusable("{'TaskToken':'t'}").reason()).startsWith("the body is not valid JSON: malformed JSON");
        assertThat(unusable("{\"TaskToken\":\"t\"} // comment").reason()).isEqualTo("the body is not valid JSON: malformed JSON at line 1 column 20 path $");
    }
}
