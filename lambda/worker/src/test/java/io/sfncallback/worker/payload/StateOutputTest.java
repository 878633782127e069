package io.sfncallback.worker.payload;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.sfncallback.core.callback.Text;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The state output the task state builds with {@code "ResultPath": "$.result"}, measured before the
 * worker calls back. Quota: 262,144 bytes of UTF-8 for a state's output
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html); over it the execution
 * fails with States.DataLimitExceeded, which States.ALL does not catch
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */
class StateOutputTest {

    /** What ResultPath $.result does: the input with result set (replaced when present). */
    private static String applyResultPath(JsonObject input, JsonElement result) {
        JsonObject output = input.deepCopy();
        output.add(StateOutput.RESULT_FIELD, result);
        return output.toString();
    }

    private static StateOutput admitted(String inputJson) {
        StateOutput.Admission admission = StateOutput.admit(JsonParser.parseString(inputJson));
        assertThat(admission).isInstanceOf(StateOutput.Admitted.class);
        return ((StateOutput.Admitted) admission).output();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"a\":1}",
            "{\"result\":5}",
            "{\"a\":1,\"result\":{\"old\":[1,2,3]}}",
            "{\"result\":\"x\",\"a\":1}",
            "{ \"spaced\" : [ 1 , 2 ] ,\n \"nested\": {\"result\": 1} }",
            "{\"ünïcode\":\"✓ 😀\",\"esc\":\"quote \\\" backslash \\\\ tab \\t\"}"})
    void theSizeMatchesTheOutputResultPathBuilds(String inputJson) {
        StateOutput output = admitted(inputJson);
        JsonObject input = JsonParser.parseString(inputJson).getAsJsonObject();

        for (JsonElement result : new JsonElement[] {
                new JsonPrimitive(7), JsonParser.parseString("null"), JsonParser.parseString("{\"status\":\"done\",\"n\":[1,2]}"),
                new JsonPrimitive("é 😀")}) {
            long resultBytes = Text.utf8Length(result.toString());
            assertThat(output.bytesWithResult(resultBytes))
                    .as("%s with result %s", inputJson, result)
                    .isEqualTo(Text.utf8Length(applyResultPath(input, result)));
        }
        assertThat(output.inputBytes()).isEqualTo(Text.utf8Length(input.toString()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "[1]      | a JSON array",
            "\"x\"    | a JSON string",
            "42       | a JSON number",
            "false    | a JSON boolean",
            "null     | JSON null"})
    void anInputThatIsNotAnObjectCannotTakeAResult(String inputJson, String found) {
        assertThat(StateOutput.admit(JsonParser.parseString(inputJson))).isEqualTo(new StateOutput.NotAnObject(found));
    }

    @ParameterizedTest
    @CsvSource({"262122, true", "262123, false"})
    void anInputIsAdmittedWhileTheSmallestResultStillFits(int blobLength, boolean admitted) {
        // {"blob":"…"} is 11 + n bytes; with ,"result":7 it is 22 + n.
        JsonObject input = new JsonObject();
        input.addProperty("blob", "b".repeat(blobLength));

        StateOutput.Admission admission = StateOutput.admit(input);

        if (admitted) {
            StateOutput output = ((StateOutput.Admitted) admission).output();
            assertThat(output.roomForResult()).isEqualTo(1);
            assertThat(output.bytesWithResult(1)).isEqualTo(StateOutput.MAX_BYTES);
        } else {
            assertThat(admission).isEqualTo(new StateOutput.NoRoom(11L + blobLength, 22L + blobLength));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"a\":\"" + "x" + "\"}", "{\"result\":\"a large previous result\"}"})
    void roomForResultIsTheLargestOutputThatStillFits(String inputJson) {
        StateOutput output = admitted(inputJson);

        assertThat(output.bytesWithResult(output.roomForResult())).isEqualTo(StateOutput.MAX_BYTES);
    }
}
