package io.sfncallback.approval.snapstart;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sfncallback.testkit.CapturingLogger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RequestPrimingTest {

    @RegisterExtension
    static WireMockExtension aws = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final CapturingLogger logger = new CapturingLogger();
    private final List<String> operations = PrimingFixture.operations();

    private RequestPriming priming() {
        return new RequestPriming(PrimingFixture.config(aws), PrimingFixture.log(logger), PrimingFixture.recording(operations));
    }

    @Test
    void runsANewRequestItsRetryAndAnInvalidOneThroughTheRealRequester() {
        assertThat(priming().prime()).containsExactly("SENT", "ALREADY_SENT", "TASK_CLOSED");
    }

    @Test
    void marshalsAndUnmarshalsEveryServiceAFirstRequestCalls() {
        priming().prime();

        assertThat(operations).contains("DynamoDB_20120810.PutItem", "DynamoDB_20120810.GetItem",
                "DynamoDB_20120810.UpdateItem", "SNS.Publish", "AWSStepFunctions.SendTaskFailure");
    }

    @Test
    void hasNoSideEffect() {
        priming().prime();

        assertThat(aws.getAllServeEvents()).as("no request reaches the configured endpoints").isEmpty();
        assertThat(logger.lines()).as("the priming requests log nothing").isEmpty();
    }

    @Test
    void byDefaultNothingLeavesTheFunctionEither() {
        new RequestPriming(PrimingFixture.config(aws), PrimingFixture.log(logger)).beforeCheckpoint(null);

        assertThat(logger.withMessage("primed for snapshot")).singleElement()
                .satisfies(line -> assertThat(line.get("outcomes").getAsString()).isEqualTo("SENT,ALREADY_SENT,TASK_CLOSED"));
        assertThat(aws.getAllServeEvents()).isEmpty();
    }

    @Test
    void aFailingPrimingIsLoggedAndNeverStopsTheSnapshot() {
        RequestPriming failing = new RequestPriming(PrimingFixture.config(aws), PrimingFixture.log(logger),
                PrimingFixture.failing(new IllegalStateException("no network in priming")));

        assertThatCode(() -> failing.beforeCheckpoint(null)).doesNotThrowAnyException();

        assertThat(logger.lines()).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(LogLevel.WARN);
            assertThat(line.json().get("message").getAsString()).isEqualTo("priming failed");
        });
    }
}
