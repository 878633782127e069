package io.sfncallback.approval.page;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of an HTTP API request (payload format 2.0) the page uses; header names lower-cased.
 *
 * <p>{@link #toString()} leaves out the link, which is a credential.
 *
 * @param method          the HTTP method
 * @param link            the {@code {link}} path segment when the path is {@code /approvals/{link}}; {@code null} for
 *                        any other path (the API's catch-all {@code $default} route hands the page every request
 *                        that matches neither page route)
 * @param headers         request headers, names lower-cased
 * @param body            the body as API Gateway passed it, or {@code null}
 * @param base64Encoded   whether {@code body} is base64
 * @param sourceIp        the client address API Gateway saw, or {@code null}
 * @param userAgent       the client's User-Agent, or {@code null}
 * @param domainName      the API's domain name the request came to, or {@code null}
 */
public record HttpRequest(String method, String link, Map<String, String> headers, String body, boolean base64Encoded,
                          String sourceIp, String userAgent, String domainName) {

    /** The one path the page serves (the stage is {@code $default}, so the raw path has no stage prefix). */
    static final Pattern PAGE_PATH = Pattern.compile("/approvals/([^/]+)");

    public HttpRequest {
        method = method == null ? "" : method.toUpperCase(Locale.ROOT);
        Map<String, String> lower = new HashMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> {
                if (name != null && value != null) {
                    lower.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + "," + b);
                }
            });
        }
        headers = Map.copyOf(lower);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * The request as API Gateway's HTTP API hands it to Lambda. Through the routes {@code GET} and
     * {@code POST /approvals/{link}} the link is the path parameter; through the catch-all {@code $default} route
     * there is none, and the link is the raw path's last segment only when the raw path is exactly
     * {@code /approvals/<segment>} (any other method on a page path); any other path has no link.
     */
    public static HttpRequest from(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Http http = context == null ? null : context.getHttp();
        String link = event.getPathParameters() == null ? null : event.getPathParameters().get("link");
        if (link == null && event.getRawPath() != null) {
            Matcher page = PAGE_PATH.matcher(event.getRawPath());
            link = page.matches() ? page.group(1) : null;
        }
        String userAgent = http != null && http.getUserAgent() != null ? http.getUserAgent()
                : event.getHeaders() == null ? null : lowerCaseLookup(event.getHeaders(), "user-agent");
        return new HttpRequest(
                http == null ? null : http.getMethod(),
                link,
                event.getHeaders(),
                event.getBody(),
                event.getIsBase64Encoded(),
                http == null ? null : http.getSourceIp(),
                userAgent,
                context == null ? null : context.getDomainName());
    }

    private static String lowerCaseLookup(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey() != null && header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "HttpRequest[method=" + method + ", sourceIp=" + sourceIp + ", domainName=" + domainName + "]";
    }
}
