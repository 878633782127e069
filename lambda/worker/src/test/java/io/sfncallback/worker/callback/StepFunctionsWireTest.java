package io.sfncallback.worker.callback;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.sfncallback.testkit.Messages.body;
import static io.sfncallback.testkit.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.worker.Worker;
import io.sfncallback.worker.aws.AwsClients;
import io.sfncallback.worker.batch.Deadline;
import io.sfncallback.worker.batch.Invocation;
import io.sfncallback.worker.batch.Outcome;
import io.sfncallback.worker.batch.RecordOutcome;
import io.sfncallback.worker.batch.RecordProcessor;
import io.sfncallback.worker.config.WorkerConfig;
import io.sfncallback.worker.processor.TaskProcessor;
import io.sfncallback.worker.processor.TaskResult;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real SDK client against a stub speaking the Step Functions JSON 1.0 protocol: what goes on the
 * wire, and how each documented error answer ends the record.
 */
class StepFunctionsWireTest {

    @RegisterExtension
    static WireMockExtension stepFunctions = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final String TOKEN = "AQCEAAAAKgAAAAMAAAAAAAAAAfake+token/with=chars";
    private final CapturingLogger logger = new CapturingLogger();

    private RecordOutcome run(TaskProcessor processor) {
        WorkerConfig config = WorkerConfig.fromEnvironment(Map.of(
                "AWS_ENDPOINT_URL_SFN", stepFunctions.baseUrl(),
                "AWS_REGION", "eu-west-1",
                "SFN_MAX_ATTEMPTS", "2",
                "SFN_CALL_TIMEOUT_MS", "5000"));
        AwsClients clients = new AwsClients(config);
        JsonLog log = new JsonLog(logger, LogLevel.INFO, "req", Clock.systemUTC());
        try (Worker worker = new Worker(config, processor, clients.stepFunctions(), clients::sqs, log)) {
            List<RecordOutcome> outcomes = worker.process(
                    List.of(message("m-1", body(TOKEN, "{\"n\":1}"))), new Invocation(Deadline.none(), log));
            return outcomes.get(0);
        }
    }

    private static void answer(String operation, int status, String body) {
        stepFunctions.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + operation))
                .willReturn(aResponse().withStatus(status)
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody(body)));
    }

    private static String error(String type, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("__type", type);
        error.addProperty("message", message);
        return error.toString();
    }

    private int requests(String operation) {
        return stepFunctions.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + operation))).size();
    }

    @Test
    void sendTaskSuccessIsASignedJson10Request() {
        answer("SendTaskSuccess", 200, "{}");

        RecordOutcome outcome = run(c -> TaskResult.complete(JsonParser.parseString("{\"total\":3,\"note\":\"ünïcode ✓\"}")));

        assertThat(outcome.outcome()).isEqualTo(Outcome.SUCCEEDED);
        stepFunctions.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskSuccess"))
                .withHeader("Content-Type", equalTo("application/x-amz-json-1.0"))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=test/\\d{8}/eu-west-1/states/aws4_request, .*"))
                .withRequestBody(equalToJson("{\"taskToken\":\"" + TOKEN + "\",\"output\":\"{\\\"total\\\":3,\\\"note\\\":\\\"ünïcode ✓\\\"}\"}")));
    }

    @Test
    void sendTaskFailureCarriesErrorAndCause() {
        answer("SendTaskFailure", 200, "{}");

        RecordOutcome outcome = run(c -> TaskResult.reject("Order.Invalid", "no items"));

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        stepFunctions.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskFailure"))
                .withRequestBody(equalToJson("{\"taskToken\":\"" + TOKEN + "\",\"error\":\"Order.Invalid\",\"cause\":\"no items\"}")));
    }

    @Test
    void sendTaskHeartbeatCarriesTheToken() {
        answer("SendTaskHeartbeat", 200, "{}");
        answer("SendTaskSuccess", 200, "{}");

        RecordOutcome outcome = run(c -> {
            assertThat(c.heartbeat().beatNow()).isTrue();
            return TaskResult.complete(null);
        });

        assertThat(outcome.outcome()).isEqualTo(Outcome.SUCCEEDED);
        stepFunctions.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskHeartbeat"))
                .withRequestBody(equalToJson("{\"taskToken\":\"" + TOKEN + "\"}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TaskTimedOut", "TaskDoesNotExist", "com.amazonaws.swf.service.v2.model#TaskTimedOut"})
    void aClosedTaskAnswerEndsTheRecordWithoutRetrying(String type) {
        answer("SendTaskSuccess", 400, error(type, "Task Timed Out"));

        RecordOutcome outcome = run(c -> TaskResult.complete(null));

        assertThat(outcome.outcome()).isEqualTo(Outcome.TASK_CLOSED);
        assertThat(outcome.redeliver()).isFalse();
        assertThat(requests("SendTaskSuccess")).as("a closed task is not retried").isEqualTo(1);
    }

    @Test
    void anInvalidTokenAnswerIsItsOwnOutcomeAndEndsTheRecordWithoutRetrying() {
        answer("SendTaskSuccess", 400, error("InvalidToken", "Invalid Token"));

        RecordOutcome outcome = run(c -> TaskResult.complete(null));

        assertThat(outcome.outcome()).isEqualTo(Outcome.INVALID_TOKEN);
        assertThat(outcome.redeliver()).isFalse();
        assertThat(requests("SendTaskSuccess")).as("an invalid token is not retried").isEqualTo(1);
    }

    @Test
    void invalidOutputFailsTheTaskWithTheServicesMessage() {
        answer("SendTaskSuccess", 400, error("InvalidOutput", "Invalid JSON in output"));
        answer("SendTaskFailure", 200, "{}");

        RecordOutcome outcome = run(c -> TaskResult.complete(new JsonPrimitive(1)));

        assertThat(outcome.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.error()).isEqualTo(RecordProcessor.INVALID_OUTPUT);
        stepFunctions.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskFailure"))
                .withRequestBody(equalToJson("{\"taskToken\":\"" + TOKEN + "\",\"error\":\"Worker.InvalidOutput\","
                        + "\"cause\":\"Step Functions refused the output: Invalid JSON in output\"}")));
    }

    @Test
    void throttlingIsRetriedByTheSdkThenLeftForRedelivery() {
        answer("SendTaskSuccess", 400, error("ThrottlingException", "Rate exceeded"));

        RecordOutcome outcome = run(c -> TaskResult.complete(null));

        assertThat(outcome.outcome()).isEqualTo(Outcome.CALLBACK_UNAVAILABLE);
        assertThat(outcome.redeliver()).isTrue();
        assertThat(outcome.detail()).contains("Rate exceeded");
        assertThat(requests("SendTaskSuccess")).as("SFN_MAX_ATTEMPTS=2").isEqualTo(2);
    }

    @Test
    void aServerErrorIsRetriedByTheSdkThenLeftForRedelivery() {
        answer("SendTaskSuccess", 500, error("InternalFailure", "boom"));

        RecordOutcome outcome = run(c -> TaskResult.complete(null));

        assertThat(outcome.outcome()).isEqualTo(Outcome.CALLBACK_UNAVAILABLE);
        assertThat(requests("SendTaskSuccess")).isEqualTo(2);
    }

    @Test
    void aServerErrorFollowedBySuccessIsJustSuccess() {
        answer("SendTaskHeartbeat", 200, "{}");
        stepFunctions.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskSuccess"))
                .inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody(error("ServiceUnavailable", "try again")))
                .willSetStateTo("recovered"));
        stepFunctions.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskSuccess"))
                .inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withBody("{}")));

        RecordOutcome outcome = run(c -> TaskResult.complete(null));

        assertThat(outcome.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(requests("SendTaskSuccess")).isEqualTo(2);
    }

    @Test
    void aHeartbeatAnsweredTaskTimedOutEndsTheRecordWithoutACallback() {
        // The first heartbeat goes out as the batch arrives, racing the record's start: the answer
        // either keeps the record from starting (TASK_CLOSED) or interrupts its work (ABANDONED).
        answer("SendTaskHeartbeat", 400, error("TaskTimedOut", "Task Timed Out"));

        RecordOutcome outcome = run(c -> {
            assertThat(c.heartbeat().beatNow()).isFalse();
            assertThat(c.heartbeat().isTaskClosed()).isTrue();
            return TaskResult.complete(null);
        });

        assertThat(outcome.outcome()).isIn(Outcome.TASK_CLOSED, Outcome.ABANDONED);
        assertThat(outcome.redeliver()).isFalse();
        assertThat(requests("SendTaskSuccess")).isZero();
        assertThat(requests("SendTaskFailure")).isZero();
    }

    @Test
    void aHeartbeatAnsweredInvalidTokenEndsTheRecordAsAnInvalidToken() {
        answer("SendTaskHeartbeat", 400, error("InvalidToken", "Invalid Token"));

        RecordOutcome outcome = run(c -> {
            assertThat(c.heartbeat().beatNow()).isFalse();
            return TaskResult.complete(null);
        });

        assertThat(outcome.outcome()).isEqualTo(Outcome.INVALID_TOKEN);
        assertThat(outcome.redeliver()).isFalse();
        assertThat(requests("SendTaskSuccess")).isZero();
        assertThat(requests("SendTaskFailure")).isZero();
    }

    @Test
    void aLoneSurrogateInTheOutputStillMakesAValidRequest() {
        answer("SendTaskSuccess", 200, "{}");

        RecordOutcome outcome = run(c -> TaskResult.complete(new JsonPrimitive("bad \ud800 half")));

        assertThat(outcome.outcome()).isEqualTo(Outcome.SUCCEEDED);
        String sent = stepFunctions.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.SendTaskSuccess"))).get(0).getBodyAsString();
        assertThat(JsonParser.parseString(sent).getAsJsonObject().get("taskToken").getAsString()).isEqualTo(TOKEN);
    }
}
