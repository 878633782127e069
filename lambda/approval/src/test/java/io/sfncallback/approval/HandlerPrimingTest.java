package io.sfncallback.approval;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sfncallback.approval.config.ApprovalConfig;
import io.sfncallback.approval.page.ApprovalPages;
import io.sfncallback.approval.page.PageResponse;
import io.sfncallback.approval.request.ApprovalRequester;
import io.sfncallback.approval.request.RequestOutcome;
import io.sfncallback.approval.snapstart.PagePriming;
import io.sfncallback.approval.snapstart.RequestPriming;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.testkit.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Both approval handlers register their SnapStart priming hook, and serve through their own services after it ran. */
class HandlerPrimingTest {

    @RegisterExtension
    static WireMockExtension aws = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final CapturingLogger logger = new CapturingLogger();
    private final JsonLog log = new JsonLog(logger, LogLevel.INFO, null, Clock.systemUTC());
    private final List<Resource> registered = new ArrayList<>();
    private final Context<Resource> crac = new Context<>() {
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

    private ApprovalConfig config() {
        return ApprovalConfig.fromEnvironment(Map.of(
                "AWS_ENDPOINT_URL", aws.baseUrl(),
                "APPROVALS_TABLE", "approvals",
                "APPROVAL_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:approvals",
                "APPROVAL_BASE_URL", "https://approvals.example.com"));
    }

    @Test
    void theRequestHandlerRegistersItsPrimingAndThenServesThroughItsOwnRequester() throws Exception {
        ApprovalRequester requester = mock(ApprovalRequester.class);
        when(requester.handle(any(), any())).thenReturn(new RequestOutcome(RequestOutcome.Kind.SENT, "r1", 1, 1, null));
        RequestPriming priming = new RequestPriming(config(), log);

        ApprovalRequestHandler handler = new ApprovalRequestHandler(requester, log, priming, crac);
        assertThat(registered).containsExactly(priming);
        registered.get(0).beforeCheckpoint(crac);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), output, TestContext.relaxed(logger));

        assertThat(logger.withMessage("primed for snapshot")).hasSize(1);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("\"SENT\"");
        assertThat(aws.getAllServeEvents()).as("priming never reaches the endpoints").isEmpty();
    }

    @Test
    void thePageHandlerRegistersItsPrimingAndThenServesThroughItsOwnPages() throws Exception {
        ApprovalPages pages = mock(ApprovalPages.class);
        when(pages.handle(any(), any())).thenReturn(new PageResponse(404, Map.of(), "not found", "UNKNOWN_LINK"));
        PagePriming priming = new PagePriming(config(), log);

        ApprovalPageHandler handler = new ApprovalPageHandler(pages, log, priming, crac);
        assertThat(registered).containsExactly(priming);
        registered.get(0).beforeCheckpoint(crac);

        assertThat(handler.handleRequest(new APIGatewayV2HTTPEvent(), TestContext.relaxed(logger)).getStatusCode()).isEqualTo(404);
        assertThat(logger.withMessage("primed for snapshot")).hasSize(1);
        assertThat(aws.getAllServeEvents()).as("priming never reaches the endpoints").isEmpty();
    }
}
