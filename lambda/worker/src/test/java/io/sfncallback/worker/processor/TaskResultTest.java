package io.sfncallback.worker.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The approval request a processor can make: the output the state machine routes on at $.result.approvalRequest. */
class TaskResultTest {

    private static JsonObject outputOf(TaskResult result) {
        assertThat(result).isInstanceOf(TaskResult.Completed.class);
        return ((TaskResult.Completed) result).output().getAsJsonObject();
    }

    @Test
    void anApprovalRequestCompletesWithTheOutputAndTheRequest() {
        JsonObject output = JsonParser.parseString("{\"orderId\":\"o-1\",\"amount\":120.5}").getAsJsonObject();

        TaskResult result = TaskResult.requestApproval(output, "Refund 120.50 EUR on order o-1");

        assertThat(outputOf(result)).isEqualTo(JsonParser.parseString(
                "{\"orderId\":\"o-1\",\"amount\":120.5,\"approvalRequest\":{\"summary\":\"Refund 120.50 EUR on order o-1\"}}"));
        assertThat(output.has(TaskResult.APPROVAL_REQUEST)).as("the caller's object is left alone").isFalse();
    }

    @Test
    void aNullOutputIsAnEmptyObject() {
        assertThat(outputOf(TaskResult.requestApproval(null, "Approve?")))
                .isEqualTo(JsonParser.parseString("{\"approvalRequest\":{\"summary\":\"Approve?\"}}"));
    }

    @Test
    void aSummaryIsKeptAsTextWhateverItContains() {
        String summary = "<script>alert('x')</script> & \"quotes\" — ünïcode 😀\nsecond line";

        JsonObject request = outputOf(TaskResult.requestApproval(new JsonObject(), summary)).getAsJsonObject(TaskResult.APPROVAL_REQUEST);

        assertThat(request.get("summary").getAsString()).isEqualTo(summary);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\n\t"})
    void aMissingOrBlankSummaryIsRefused(String summary) {
        assertThatThrownBy(() -> TaskResult.requestApproval(new JsonObject(), summary))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("an approval request needs a summary to show the approver");
    }

    @Test
    void aSummaryOfFourThousandCharactersIsTheLongest() {
        // Counted in characters (code points): 4,000 emoji are 8,000 UTF-16 units and still fit.
        String longest = "😀".repeat(TaskResult.MAX_APPROVAL_SUMMARY_LENGTH);

        assertThat(outputOf(TaskResult.requestApproval(new JsonObject(), longest))).isNotNull();
        assertThatThrownBy(() -> TaskResult.requestApproval(new JsonObject(), longest + "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an approval summary has at most 4000 characters; this one has 4001");
    }

    /** The approval task's own rule (ReadableText), applied where the processor can still see its mistake. */
    @ParameterizedTest
    @ValueSource(strings = {"Pay EUR \u202E00.05\u202C to ACME", "ACME\u200B Ltd", "bell \u0007", "line\u2028sep"})
    void aSummaryWithCharactersThatHideOrRearrangeTextIsRefused(String summary) {
        int hidden = summary.codePoints().filter(c -> c == 0x202E || c == 0x200B || c == 0x07 || c == 0x2028)
                .findFirst().orElseThrow();

        assertThatThrownBy(() -> TaskResult.requestApproval(new JsonObject(), summary))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("an approval summary contains " + String.format("U+%04X", hidden))
                .hasMessageContaining("at position");
    }

    @Test
    void anOutputThatAlreadyHasAnApprovalRequestIsRefused() {
        JsonObject output = JsonParser.parseString("{\"approvalRequest\":\"mine\"}").getAsJsonObject();

        assertThatThrownBy(() -> TaskResult.requestApproval(output, "Approve?"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the output already has an approvalRequest member; requestApproval adds it");
    }
}
