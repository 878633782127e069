package io.sfncallback.approval.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.sfncallback.core.approval.ApprovalRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApprovalEventTest {

    static ApprovalEvent parse(String request) {
        return ApprovalEvent.parse(JsonParser.parseString(
                "{\"TaskToken\":\"t\",\"ExecutionArn\":\"arn:aws:states:us-east-1:1:execution:m:n\",\"Request\":" + request + "}"));
    }

    @Test
    void aSummaryOfUpTo4000CharactersWithLineBreaksIsValid() {
        assertThat(parse("{\"summary\":\"line 1\\nline 2\\ttab\",\"extra\":1}"))
                .isEqualTo(new ApprovalEvent.Valid("t", "arn:aws:states:us-east-1:1:execution:m:n", "line 1\nline 2\ttab"));
        assertThat(parse("{\"summary\":\"" + "x".repeat(4_000) + "\"}")).isInstanceOf(ApprovalEvent.Valid.class);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "null                     | got nothing",
            "\"text\"                 | must be a JSON object",
            "{}                       | needs a \"summary\" string",
            "{\"summary\":12}         | got a number",
            "{\"summary\":[\"a\"]}    | got an array",
            "{\"summary\":\"  \\n \"} | is blank",
            "{\"summary\":\"a\\u0007\"} | contains U+0007 (a control character) at position 2",
            "{\"summary\":\"Pay EUR \\u202E00.05\\u202C to ACME\"} | contains U+202E RIGHT-TO-LEFT OVERRIDE (a format character",
            "{\"summary\":\"ACME\\u200B Ltd\"} | contains U+200B ZERO WIDTH SPACE (a format character",
            "{\"summary\":\"a\\u2028b\"} | U+2028 LINE SEPARATOR (a line separator) at position 2",
            "{\"summary\":\"a\\uE000\"} | U+E000 (a private-use character) at position 2",
            "{\"summary\":\"a\\uD800b\"} | U+D800 (an unpaired surrogate) at position 2",
    })
    void aBadRequestIsInvalidWithAClearCause(String request, String cause) {
        assertThat(parse(request)).isInstanceOfSatisfying(ApprovalEvent.Invalid.class,
                invalid -> assertThat(invalid.cause()).contains(cause));
    }

    @Test
    void aTooLongSummaryIsInvalid() {
        assertThat(parse("{\"summary\":\"" + "x".repeat(4_001) + "\"}")).isInstanceOfSatisfying(ApprovalEvent.Invalid.class,
                invalid -> assertThat(invalid.cause()).contains("4001 characters; at most 4000"));
    }

    /** TaskResult.requestApproval counts code points; the approval task must accept what it let through. */
    @Test
    void aSummaryOfTheLongestLengthRequestApprovalAcceptsIsValidEvenOutsideTheBmp() {
        String longest = "😀".repeat(ApprovalRequests.MAX_SUMMARY_LENGTH);
        assertThat(parse("{\"summary\":\"" + longest + "\"}")).isInstanceOf(ApprovalEvent.Valid.class);
        assertThat(parse("{\"summary\":\"" + longest + "x\"}")).isInstanceOfSatisfying(ApprovalEvent.Invalid.class,
                invalid -> assertThat(invalid.cause()).contains("4001 characters; at most 4000"));
    }

    @Test
    void noExecutionArnIsInvalidButNoTokenIsUnanswerable() {
        assertThat(ApprovalEvent.parse(JsonParser.parseString("{\"TaskToken\":\"t\",\"Request\":{\"summary\":\"s\"}}")))
                .isInstanceOf(ApprovalEvent.Invalid.class);
        assertThat(ApprovalEvent.parse(JsonParser.parseString("{\"TaskToken\":\"\",\"ExecutionArn\":\"e\"}")))
                .isInstanceOf(ApprovalEvent.Unanswerable.class);
        assertThat(ApprovalEvent.parse(JsonParser.parseString("[1]"))).isInstanceOf(ApprovalEvent.Unanswerable.class);
    }
}
