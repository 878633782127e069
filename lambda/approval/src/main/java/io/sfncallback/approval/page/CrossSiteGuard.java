package io.sfncallback.approval.page;

import java.util.Locale;
import java.util.Optional;

/**
 * Refuses decision POSTs that a browser says came from another site.
 *
 * <p>Two headers a page cannot forge in a browser are checked when present:
 * {@code Sec-Fetch-Site} must be {@code same-origin}
 * (<a href="https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header">Fetch Metadata</a>), and
 * {@code Origin} must be the page's own origin
 * (<a href="https://www.rfc-editor.org/rfc/rfc6454#section-7">RFC 6454 §7</a>). {@code Origin: null} is
 * what a browser sends with the page's own form POST under {@code Referrer-Policy: no-referrer}
 * (<a href="https://fetch.spec.whatwg.org/#append-a-request-origin-header">Fetch, append a request Origin header</a>),
 * and also what a sandboxed frame of another site sends; it is accepted only together with
 * {@code Sec-Fetch-Site: same-origin}, which only the browser sets, and refused otherwise.
 * A client that sends neither (curl, a script, an old browser) is not refused here: "any client can
 * drive the form", and the form's synchronizer token, which only a client that read the page has,
 * is checked for every POST regardless ({@link io.sfncallback.approval.link.FormTokens}).
 */
final class CrossSiteGuard {

    private CrossSiteGuard() {
    }

    /**
     * @param expectedOrigin the page's origin ({@code scheme://host[:port]}, lower case), or
     *                       {@code null} when it is unknown (then any Origin header is refused)
     * @return why the request is refused, or empty when it may go on
     */
    static Optional<String> refusal(HttpRequest request, String expectedOrigin) {
        String site = request.header("sec-fetch-site");
        if (site != null && !site.trim().equalsIgnoreCase("same-origin")) {
            return Optional.of("the browser reports a request from another site (Sec-Fetch-Site: " + site.trim() + ")");
        }
        String origin = request.header("origin");
        if (origin != null && origin.trim().equals("null") && site != null) {
            // Sec-Fetch-Site was same-origin (checked above): the page's own form under no-referrer.
            return Optional.empty();
        }
        if (origin != null) {
            String normalised = origin.trim().toLowerCase(Locale.ROOT);
            if (expectedOrigin == null || !normalised.equals(expectedOrigin)) {
                return Optional.of("the request comes from another origin (" + origin.trim() + ")");
            }
        }
        return Optional.empty();
    }
}
