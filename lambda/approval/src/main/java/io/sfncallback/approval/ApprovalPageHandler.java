package io.sfncallback.approval;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.approval.aws.ApprovalClients;
import io.sfncallback.approval.config.ApprovalConfig;
import io.sfncallback.approval.page.ApprovalPages;
import io.sfncallback.approval.page.Executions;
import io.sfncallback.approval.page.HttpRequest;
import io.sfncallback.approval.page.PageResponse;
import io.sfncallback.approval.snapstart.PagePriming;
import io.sfncallback.approval.snapstart.Priming;
import io.sfncallback.approval.store.ApprovalStore;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.logging.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.crac.Core;
import org.crac.Resource;

/**
 * The Lambda entry point of the approval page
 * ({@code io.sfncallback.approval.ApprovalPageHandler::handleRequest}), behind an API Gateway HTTP
 * API with the routes {@code GET /approvals/{link}}, {@code POST /approvals/{link}} and the catch-all
 * {@code $default}, which brings it every other request so that no answer lacks the page's security
 * headers (payload format 2.0:
 * <a href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html">HTTP API Lambda integrations</a>).
 *
 * <p>Thin: the constructor reads the configuration and builds the clients once, in the init phase,
 * and registers the SnapStart priming hook ({@link PagePriming}); each request goes to
 * {@link ApprovalPages}, which never throws.
 */
public final class ApprovalPageHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** Slack over one Step Functions call (retries included) before a claimed decision may be taken over. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

    private final ApprovalPages pages;
    private final JsonLog log;
    // Held so the CRaC context, which may reference resources weakly, keeps it until the snapshot.
    private final Priming priming;

    /** Used by the Lambda runtime: the configuration comes from the environment. */
    public ApprovalPageHandler() {
        this(System.getenv());
    }

    /** Configuration from the given variables; used by the local stack and tests. */
    public ApprovalPageHandler(Map<String, String> environment) {
        this(ApprovalConfig.fromEnvironment(environment), Clock.systemUTC());
    }

    ApprovalPageHandler(ApprovalConfig config, Clock clock) {
        this(config, pages(config, new ApprovalClients(config), clock), new JsonLog(LambdaRuntime.getLogger(), config.logLevel(), null, clock));
    }

    private ApprovalPageHandler(ApprovalConfig config, ApprovalPages pages, JsonLog log) {
        this(pages, log, new PagePriming(config, log), Core.getGlobalContext());
        log.at(LogLevel.INFO, "approval page handler ready")
                .with("originOverride", config.pageOrigin())
                .write();
    }

    /** Registers {@code priming} as the SnapStart hook with {@code crac}. */
    ApprovalPageHandler(ApprovalPages pages, JsonLog log, Priming priming, org.crac.Context<Resource> crac) {
        this.pages = Objects.requireNonNull(pages, "pages");
        this.log = Objects.requireNonNull(log, "log");
        this.priming = Objects.requireNonNull(priming, "priming");
        crac.register(priming);
    }

    /** The page service as deployed, from a configuration and its clients. */
    public static ApprovalPages pages(ApprovalConfig config, ApprovalClients clients, Clock clock) {
        return new ApprovalPages(
                new ApprovalStore(clients.dynamoDb(), config.table(), config.retention()),
                new TaskCallbacks(clients.stepFunctions()),
                new Executions(clients.stepFunctions()),
                clock,
                config.callTimeout().plus(LEASE_MARGIN),
                config.pageOrigin());
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        JsonLog requestLog = log.forInvocation(context);
        PageResponse page = pages.handle(HttpRequest.from(event == null ? new APIGatewayV2HTTPEvent() : event), requestLog);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(page.status())
                .withHeaders(page.headers())
                .withBody(page.body())
                .withIsBase64Encoded(false)
                .build();
    }
}
