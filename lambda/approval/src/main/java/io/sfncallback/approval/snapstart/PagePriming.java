package io.sfncallback.approval.snapstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.sfncallback.approval.ApprovalPageHandler;
import io.sfncallback.approval.config.ApprovalConfig;
import io.sfncallback.approval.link.FormTokens;
import io.sfncallback.approval.link.LinkSecrets;
import io.sfncallback.approval.page.ApprovalPages;
import io.sfncallback.approval.page.HttpRequest;
import io.sfncallback.approval.page.PageResponse;
import io.sfncallback.core.logging.JsonLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Primes the approval page's function ({@link ApprovalPageHandler}): the page of a pending request
 * (two GetItems, the form rendered), an approval (the claim's UpdateItem, SendTaskSuccess, the
 * decided page), a rejection that finds the task closed (SendTaskFailure answered with
 * TaskTimedOut, the closed page) and a malformed link (the not-found page).
 */
public final class PagePriming extends Priming {

    static final String DOMAIN = "priming.invalid";
    /** A well-formed link secret (43 base64url characters) that names the canned link. */
    static final String LINK = "priming-link-" + "0".repeat(LinkSecrets.SECRET_LENGTH - 13);

    private final ApprovalConfig config;

    public PagePriming(ApprovalConfig config, JsonLog log) {
        this(config, log, null);
    }

    PagePriming(ApprovalConfig config, JsonLog log, SdkHttpClient http) {
        super(log, http);
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    List<String> prime() {
        ApprovalConfig primingConfig = primingConfig(config);
        ApprovalPages pages = ApprovalPageHandler.pages(primingConfig, clients(primingConfig), Clock.systemUTC());
        String token = FormTokens.of(CannedServices.FORM_KEY, LinkSecrets.hash(LINK));
        List<APIGatewayV2HTTPEvent> requests = List.of(
                event("GET", LINK, null),
                event("POST", LINK, "decision=approve&comment=Primed%20%C3%A9&csrf=" + token),
                event("POST", LINK, "decision=reject&csrf=" + token),
                event("GET", "not-a-link", null));
        List<String> outcomes = new ArrayList<>();
        for (APIGatewayV2HTTPEvent event : requests) {
            PageResponse page = pages.handle(HttpRequest.from(event), DISCARD);
            APIGatewayV2HTTPResponse.builder().withStatusCode(page.status()).withHeaders(page.headers())
                    .withBody(page.body()).withIsBase64Encoded(false).build();
            outcomes.add(page.outcome());
        }
        return outcomes;
    }

    private static APIGatewayV2HTTPEvent event(String method, String link, String form) {
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(method);
        http.setPath("/approvals/" + link);
        http.setSourceIp("192.0.2.1");
        http.setUserAgent("priming");
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setHttp(http);
        context.setDomainName(DOMAIN);
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRequestContext(context);
        event.setRawPath("/approvals/" + link);
        event.setPathParameters(Map.of("link", link));
        if (form != null) {
            event.setHeaders(Map.of("content-type", "application/x-www-form-urlencoded", "origin", "https://" + DOMAIN,
                    "sec-fetch-site", "same-origin"));
            event.setBody(form);
        } else {
            event.setHeaders(Map.of("user-agent", "priming"));
        }
        return event;
    }
}
