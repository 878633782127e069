package io.sfncallback.approval.page;

import java.util.Map;
import java.util.Objects;

/**
 * A page to send back: status, headers and an HTML body.
 *
 * @param status  the HTTP status
 * @param headers response headers, the security headers included
 * @param body    the HTML
 * @param outcome a short word for the log line (what the page said)
 */
public record PageResponse(int status, Map<String, String> headers, String body, String outcome) {

    public PageResponse {
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(outcome, "outcome");
    }
}
