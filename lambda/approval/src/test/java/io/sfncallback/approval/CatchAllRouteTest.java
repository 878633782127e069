package io.sfncallback.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonObject;
import io.sfncallback.approval.config.ApprovalConfig;
import io.sfncallback.approval.link.LinkSecrets;
import io.sfncallback.approval.page.ApprovalPages;
import io.sfncallback.approval.page.Executions;
import io.sfncallback.approval.snapstart.PagePriming;
import io.sfncallback.approval.store.ApprovalStore;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.testkit.TestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.crac.Context;
import org.crac.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the page function answers through the HTTP API's catch-all {@code $default} route (modules/approval/main.tf):
 * every request that matches neither {@code GET} nor {@code POST /approvals/{link}}. API Gateway sends it with route key
 * {@code $default} and no path parameters
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html, "Working with the $default
 * route"). Each answer is the handler's own, with every security header, and needs neither DynamoDB nor Step Functions:
 * the store, the callbacks and the execution check are mocks that must stay untouched.
 */
class CatchAllRouteTest {

    static final String SECRET = new LinkSecrets().newSecret();

    private final ApprovalStore store = mock(ApprovalStore.class);
    private final TaskCallbacks callbacks = mock(TaskCallbacks.class);
    private final Executions executions = mock(Executions.class);
    private final CapturingLogger logger = new CapturingLogger();
    private final JsonLog log = new JsonLog(logger, LogLevel.INFO, null, Clock.systemUTC());
    private final Context<Resource> crac = new Context<>() {
        @Override
        public void register(Resource resource) {
        }

        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
        }
    };
    private final ApprovalPageHandler handler = new ApprovalPageHandler(
            new ApprovalPages(store, callbacks, executions, Clock.systemUTC(), Duration.ofSeconds(40), null), log,
            new PagePriming(ApprovalConfig.fromEnvironment(Map.of("APPROVALS_TABLE", "approvals")), log), crac);

    static Stream<Arguments> requests() {
        return Stream.of(
                // Another method on a page path: 405, and Allow names the two the page takes.
                Arguments.of("HEAD", "/approvals/" + SECRET, 405, "METHOD_NOT_ALLOWED"),
                Arguments.of("OPTIONS", "/approvals/" + SECRET, 405, "METHOD_NOT_ALLOWED"),
                Arguments.of("PUT", "/approvals/" + SECRET, 405, "METHOD_NOT_ALLOWED"),
                Arguments.of("DELETE", "/approvals/" + "A".repeat(100_000), 405, "METHOD_NOT_ALLOWED"),
                Arguments.of("PATCH", "/approvals/abc%2Fdef%00", 405, "METHOD_NOT_ALLOWED"),
                // Any other path, whatever the method: 404 without a lookup.
                Arguments.of("GET", "/", 404, "NO_SUCH_PAGE"),
                Arguments.of("HEAD", "/", 404, "NO_SUCH_PAGE"),
                Arguments.of("GET", "/favicon.ico", 404, "NO_SUCH_PAGE"),
                Arguments.of("GET", "/approvals", 404, "NO_SUCH_PAGE"),
                Arguments.of("GET", "/approvals/", 404, "NO_SUCH_PAGE"),
                Arguments.of("POST", "/approvals/x/y", 404, "NO_SUCH_PAGE"),
                Arguments.of("GET", "/approvals/" + SECRET + "/", 404, "NO_SUCH_PAGE"),
                // A well-formed link under another prefix is no page: it is not looked up.
                Arguments.of("GET", "/prod/approvals/" + SECRET, 404, "NO_SUCH_PAGE"),
                Arguments.of("GET", "/%2e%2e/approvals/%2F" + SECRET, 404, "NO_SUCH_PAGE"),
                Arguments.of("OPTIONS", "/%F0%9F%98%80?x", 404, "NO_SUCH_PAGE"),
                Arguments.of("GET", "/" + "a/".repeat(100_000), 404, "NO_SUCH_PAGE"));
    }

    private static APIGatewayV2HTTPEvent viaDefaultRoute(String method, String rawPath) {
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(method);
        http.setPath(rawPath);
        http.setSourceIp("192.0.2.7");
        http.setUserAgent("probe");
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setHttp(http);
        context.setDomainName("a1b2c3d4e5.execute-api.us-east-1.amazonaws.com");
        context.setRouteKey("$default");
        context.setStage("$default");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey("$default");
        event.setRawPath(rawPath);
        event.setRequestContext(context);
        event.setHeaders(Map.of("host", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", "user-agent", "probe"));
        return event;
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("requests")
    void theCatchAllIsAnsweredByThePageWithEverySecurityHeader(String method, String rawPath, int status, String outcome) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(viaDefaultRoute(method, rawPath), TestContext.relaxed(logger));

        assertThat(response.getStatusCode()).isEqualTo(status);
        Map<String, String> headers = response.getHeaders();
        assertThat(headers)
                .containsEntry("Content-Type", "text/html; charset=utf-8")
                .containsEntry("X-Content-Type-Options", "nosniff")
                .containsEntry("Referrer-Policy", "no-referrer")
                .containsEntry("Cache-Control", "no-store")
                .containsEntry("X-Frame-Options", "DENY")
                .containsEntry("Cross-Origin-Resource-Policy", "same-origin")
                .containsEntry("X-Robots-Tag", "noindex, nofollow");
        assertThat(headers.get("Content-Security-Policy")).contains("default-src 'none'").contains("frame-ancestors 'none'")
                .contains("form-action 'self'");
        if (status == 405) {
            assertThat(headers).containsEntry("Allow", "GET, POST");
        } else {
            assertThat(headers).doesNotContainKey("Allow");
        }
        if (method.equals("HEAD")) {
            assertThat(response.getBody()).isEmpty();
        } else {
            assertThat(response.getBody()).startsWith("<!DOCTYPE html>").doesNotContain("<script");
        }
        assertThat(response.getIsBase64Encoded()).isFalse();
        verifyNoInteractions(store, callbacks, executions);

        // One log line, naming the method and the outcome, never the path (it may hold a link).
        assertThat(logger.withMessage("approval page")).singleElement().satisfies(line -> {
            assertThat(line.get("method").getAsString()).isEqualTo(method);
            assertThat(line.get("status").getAsInt()).isEqualTo(status);
            assertThat(line.get("outcome").getAsString()).isEqualTo(outcome);
        });
        String logged = logger.lines().stream().map(CapturingLogger.Line::text).reduce("", String::concat);
        assertThat(logged).doesNotContain(SECRET).doesNotContain("favicon").doesNotContain("AAAAAAAAAA");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void anAnswerBodyNeverRepeatsThePath(String method, String rawPath, int status, String outcome) {
        String body = handler.handleRequest(viaDefaultRoute(method, rawPath), TestContext.relaxed(logger)).getBody();

        assertThat(body).doesNotContain(SECRET).doesNotContain("favicon").doesNotContain("%2e").doesNotContain("AAAAAAAAAA");
    }

    /** A made-up method name of any length is logged cut short. */
    @org.junit.jupiter.api.Test
    void anOverlongMethodIsLoggedCutShort() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(viaDefaultRoute("X".repeat(5000), "/approvals/" + SECRET),
                TestContext.relaxed(logger));

        assertThat(response.getStatusCode()).isEqualTo(405);
        JsonObject line = logger.withMessage("approval page").get(0);
        assertThat(line.get("method").getAsString().length()).isLessThanOrEqualTo(16);
        verifyNoInteractions(store, callbacks, executions);
    }
}
