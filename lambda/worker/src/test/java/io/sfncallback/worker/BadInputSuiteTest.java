package io.sfncallback.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.sfncallback.testkit.Messages.event;
import static io.sfncallback.testkit.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.testkit.TestContext;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and odd SQS bodies, each with its pinned outcome: whether the record is delivered
 * again (and so, after the max receive count, dead-lettered) and which callback, if any, is made.
 * Every one ends as a completed task, a failed task or a future dead letter; none is lost.
 */
class BadInputSuiteTest {

    @RegisterExtension
    static WireMockExtension stepFunctions = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static CallbackHandler handler;
    private final CapturingLogger logger = new CapturingLogger();

    private static final String DLQ = "none (dead-letter queue after the max receive count)";
    private static final String SUCCESS = "SendTaskSuccess";

    private static String failure(String error) {
        return "SendTaskFailure " + error;
    }

    @BeforeAll
    static void worker() {
        handler = new CallbackHandler(Map.of("AWS_ENDPOINT_URL_SFN", stepFunctions.baseUrl(), "SFN_MAX_ATTEMPTS", "1"));
    }

    @BeforeEach
    void stepFunctionsAcceptsEverything() {
        stepFunctions.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-amz-json-1.0").withBody("{}")));
    }

    static Stream<Arguments> bodies() {
        String t2048 = "t".repeat(2048);
        String deep300 = "[".repeat(300) + "]".repeat(300);
        String deep100k = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
        String hugeInput = "{\"blob\":\"" + "x".repeat(1_000_000) + "\"}";
        String halfInput = "{\"blob\":\"" + "x".repeat(140_000) + "\"}";
        return Stream.of(
                Arguments.of("not JSON", "hello, worker", DLQ),
                Arguments.of("empty body", "", DLQ),
                Arguments.of("whitespace body", " \n\t ", DLQ),
                Arguments.of("a JSON array", "[{\"TaskToken\":\"t\"}]", DLQ),
                Arguments.of("a JSON number", "42", DLQ),
                Arguments.of("a JSON string", "\"TaskToken\"", DLQ),
                Arguments.of("JSON null", "null", DLQ),
                Arguments.of("missing token", "{\"Input\":{}}", DLQ),
                Arguments.of("empty token", "{\"TaskToken\":\"\"}", DLQ),
                Arguments.of("blank token", "{\"TaskToken\":\"   \"}", DLQ),
                Arguments.of("numeric token", "{\"TaskToken\":12345}", DLQ),
                Arguments.of("object token", "{\"TaskToken\":{\"value\":\"t\"}}", DLQ),
                Arguments.of("null token", "{\"TaskToken\":null}", DLQ),
                Arguments.of("token of 2049 characters", "{\"TaskToken\":\"" + "t".repeat(2049) + "\"}", DLQ),
                Arguments.of("both token spellings", "{\"TaskToken\":\"a\",\"taskToken\":\"a\"}", DLQ),
                Arguments.of("token field twice", "{\"TaskToken\":\"a\",\"TaskToken\":\"b\"}", DLQ),
                Arguments.of("Input twice", "{\"TaskToken\":\"t\",\"Input\":{},\"Input\":{\"mode\":\"crash\"}}", DLQ),
                Arguments.of("content after the object", "{\"TaskToken\":\"t\"} {\"TaskToken\":\"u\"}", DLQ),
                Arguments.of("truncated JSON", "{\"TaskToken\":\"t\",\"Input\":{\"a\":", DLQ),
                Arguments.of("byte order mark (RFC 8259 lets parsers ignore it)", "\uFEFF{\"TaskToken\":\"t\"}", SUCCESS),
                Arguments.of("single-quoted JSON", "{'TaskToken':'t'}", DLQ),
                Arguments.of("NaN in the input", "{\"TaskToken\":\"t\",\"Input\":{\"x\":NaN}}", DLQ),
                Arguments.of("token of exactly 2048 characters", "{\"TaskToken\":\"" + t2048 + "\"}", SUCCESS),
                Arguments.of("lower-case taskToken", "{\"taskToken\":\"t\"}", SUCCESS),
                Arguments.of("extra unknown keys", "{\"TaskToken\":\"t\",\"Priority\":1,\"Meta\":{\"a\":[1]}}", SUCCESS),
                Arguments.of("non-string ExecutionArn", "{\"TaskToken\":\"t\",\"ExecutionArn\":42}", SUCCESS),
                Arguments.of("null Input", "{\"TaskToken\":\"t\",\"Input\":null}", failure("Worker.InputNotObject")),
                Arguments.of("array Input", "{\"TaskToken\":\"t\",\"Input\":[1]}", failure("Worker.InputNotObject")),
                Arguments.of("string Input", "{\"TaskToken\":\"t\",\"Input\":\"x\"}", failure("Worker.InputNotObject")),
                Arguments.of("number Input", "{\"TaskToken\":\"t\",\"Input\":42}", failure("Worker.InputNotObject")),
                Arguments.of("duplicated keys inside Input", "{\"TaskToken\":\"t\",\"Input\":{\"mode\":\"crash\",\"mode\":\"succeed\"}}", SUCCESS),
                Arguments.of("odd unicode", "{\"TaskToken\":\"t\",\"Input\":{\"s\":\"emoji 😀 rtl \u202Eabc zero\u200Bwidth nul \\u0000 lone \\ud800 \u00e9\"}}", SUCCESS),
                Arguments.of("unicode-escaped token", "{\"TaskToken\":\"\\u0074ok\"}", SUCCESS),
                Arguments.of("input nested 300 deep", "{\"TaskToken\":\"t\",\"Input\":" + deep300 + "}", failure("Worker.InvalidInput")),
                Arguments.of("input nested 100,000 deep", "{\"TaskToken\":\"t\",\"Input\":" + deep100k + "}", failure("Worker.InvalidInput")),
                Arguments.of("huge body", "{\"TaskToken\":\"t\",\"Input\":" + hugeInput + "}", failure("Worker.StateOutputTooLarge")),
                Arguments.of("input echoed back over half the quota", "{\"TaskToken\":\"t\",\"Input\":" + halfInput + "}",
                        failure("Worker.StateOutputTooLarge")),
                Arguments.of("unknown demo mode", "{\"TaskToken\":\"t\",\"Input\":{\"mode\":42}}", SUCCESS));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("bodies")
    void eachBodyHasItsPinnedOutcome(String name, String body, String expectedCall) {
        SQSBatchResponse response = handler.handleRequest(event(message("m", body)), TestContext.relaxed(logger));

        boolean redelivered = !response.getBatchItemFailures().isEmpty();
        assertThat(redelivered).as("redelivered").isEqualTo(expectedCall.equals(DLQ));
        assertThat(callMade()).isEqualTo(expectedCall);
        assertThat(logger.withMessage("batch done")).as("the batch always completes").hasSize(1);
    }

    /** The callback made, if any; heartbeats (sent for every record with a token) are not callbacks. */
    private String callMade() {
        List<LoggedRequest> requests = stepFunctions.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/")))
                .stream().filter(r -> !r.getHeader("X-Amz-Target").equals("AWSStepFunctions.SendTaskHeartbeat")).toList();
        if (requests.isEmpty()) {
            return DLQ;
        }
        assertThat(requests).as("exactly one callback").hasSize(1);
        String target = requests.get(0).getHeader("X-Amz-Target").replace("AWSStepFunctions.", "");
        JsonObject sent = JsonParser.parseString(requests.get(0).getBodyAsString()).getAsJsonObject();
        return target.equals("SendTaskFailure") ? failure(sent.get("error").getAsString()) : target;
    }
}
