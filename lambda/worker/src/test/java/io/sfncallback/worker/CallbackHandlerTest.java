package io.sfncallback.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.sfncallback.testkit.Messages.body;
import static io.sfncallback.testkit.Messages.event;
import static io.sfncallback.testkit.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.google.gson.JsonParser;
import io.sfncallback.core.config.ConfigException;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.testkit.TestContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CallbackHandlerTest {

    @RegisterExtension
    static WireMockExtension aws = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final CapturingLogger logger = new CapturingLogger();

    @BeforeEach
    void stepFunctionsAcceptsEverything() {
        aws.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-amz-json-1.0").withBody("{}")));
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", aws.baseUrl());
        env.put("TASKS_QUEUE_URL", aws.baseUrl() + "/000000000000/tasks");
        env.put("RETRY_DELAY_SECONDS", "3");
        return env;
    }

    @Test
    void answersEachRecordAndListsOnlyTheOnesToDeliverAgain() {
        CallbackHandler handler = new CallbackHandler(env());

        SQSBatchResponse response = handler.handleRequest(event(
                message("ok", body("token-ok", "{\"mode\":\"succeed\"}")),
                message("poison", "this is not json"),
                message("retry", body("token-retry", "{\"mode\":\"retry\"}")),
                message("rejected", body("token-rejected", "{\"mode\":\"reject\"}"))), TestContext.relaxed(logger));

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("poison", "retry");
        aws.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskSuccess")));
        aws.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskFailure")));
        // Each record to deliver again gets its retry delay as soon as its outcome is known: the poison
        // message at once, the retry when its processor returns; in one call or two.
        List<String> delayed = aws.findAll(postRequestedFor(urlEqualTo("/"))
                        .withHeader("X-Amz-Target", equalTo("AmazonSQS.ChangeMessageVisibilityBatch"))).stream()
                .flatMap(request -> JsonParser.parseString(request.getBodyAsString()).getAsJsonObject()
                        .getAsJsonArray("Entries").asList().stream())
                .map(entry -> entry.getAsJsonObject().get("ReceiptHandle").getAsString())
                .toList();
        assertThat(delayed).containsExactlyInAnyOrder("receipt-poison", "receipt-retry");
        assertThat(logger.withMessage("batch done")).singleElement().satisfies(line -> {
            assertThat(line.get("records").getAsInt()).isEqualTo(4);
            assertThat(line.get("batchItemFailures").getAsInt()).isEqualTo(2);
            assertThat(line.get("outcomes")).isEqualTo(JsonParser.parseString(
                    "{\"SUCCEEDED\":1,\"FAILED\":1,\"RETRY\":1,\"BAD_MESSAGE\":1}"));
        });
    }

    @Test
    void withApprovalOffTheDemosApprovalModeFailsItsTaskWithApprovalNotEnabled() {
        CallbackHandler handler = new CallbackHandler(env());

        SQSBatchResponse response = handler.handleRequest(event(message("approve",
                body("token-approve", "{\"mode\":\"approval\",\"summary\":\"Refund order 42\"}"))), TestContext.relaxed(logger));

        assertThat(response.getBatchItemFailures()).isEmpty();
        String sent = aws.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskFailure"))).get(0).getBodyAsString();
        assertThat(JsonParser.parseString(sent).getAsJsonObject().get("error").getAsString())
                .isEqualTo("Approval.NotEnabled");
    }

    @Test
    void theDemosApprovalModeSendsAnOutputWithTheApprovalRequest() {
        Map<String, String> env = env();
        env.put("APPROVAL_ENABLED", "true");
        CallbackHandler handler = new CallbackHandler(env);

        SQSBatchResponse response = handler.handleRequest(event(message("approve",
                body("token-approve", "{\"mode\":\"approval\",\"summary\":\"Refund order 42\"}"))), TestContext.relaxed(logger));

        assertThat(response.getBatchItemFailures()).isEmpty();
        String sent = aws.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskSuccess"))).get(0).getBodyAsString();
        String output = JsonParser.parseString(sent).getAsJsonObject().get("output").getAsString();
        assertThat(JsonParser.parseString(output).getAsJsonObject().get("approvalRequest"))
                .isEqualTo(JsonParser.parseString("{\"summary\":\"Refund order 42\"}"));
    }

    @Test
    void theWholeTokenNeverReachesTheLogs() {
        String token = "AAAAKgAAAAIAAAAAAAAAAQ-very-secret-token-material";
        CallbackHandler handler = new CallbackHandler(env());

        handler.handleRequest(event(message("m", body(token, "{\"mode\":\"crash\"}"))), TestContext.relaxed(logger));

        assertThat(logger.all()).doesNotContain(token).contains("record failed");
    }

    @Test
    void anEmptyOrMissingBatchIsAnEmptyResponse() {
        CallbackHandler handler = new CallbackHandler(env());

        assertThat(handler.handleRequest(new SQSEvent(), TestContext.relaxed(logger)).getBatchItemFailures()).isEmpty();
        assertThat(handler.handleRequest(null, null).getBatchItemFailures()).isEmpty();
    }

    @Test
    void aBadSettingFailsTheInitNamingTheVariable() {
        Map<String, String> env = env();
        env.put("HEARTBEAT_INTERVAL_SECONDS", "soon");

        assertThatThrownBy(() -> new CallbackHandler(env))
                .isInstanceOf(ConfigException.class)
                .hasMessage("HEARTBEAT_INTERVAL_SECONDS='soon' is not a whole number");
    }

    @Test
    void runsWithNoSettingAtAll() {
        assertThat(new CallbackHandler(Map.of())).isNotNull();
    }

    @Test
    void registersAPrimingHookThatPrimesWithoutSideEffects() throws Exception {
        java.util.List<Resource> registered = new java.util.ArrayList<>();
        Context<Resource> crac = new Context<>() {
            @Override
            public void register(Resource resource) {
                registered.add(resource);
            }

            @Override
            public void beforeCheckpoint(Context<? extends Resource> context) {
            }

            @Override
            public void afterRestore(Context<? extends Resource> context) {
            }
        };
        io.sfncallback.worker.config.WorkerConfig config = io.sfncallback.worker.config.WorkerConfig.fromEnvironment(env());
        Worker worker = Worker.create(config, logger);

        new CallbackHandler(worker, crac);
        assertThat(registered).singleElement().isInstanceOf(io.sfncallback.worker.snapstart.Priming.class);
        registered.get(0).beforeCheckpoint(crac);

        assertThat(logger.withMessage("primed for snapshot")).hasSize(1);
        assertThat(aws.getAllServeEvents()).as("priming never reaches the endpoints").isEmpty();
    }
}
