package io.sfncallback.approval.page;

import io.sfncallback.approval.notify.ApprovalMail;
import io.sfncallback.approval.store.Decision;
import io.sfncallback.approval.store.LinkRecord;
import io.sfncallback.approval.store.RequestRecord;
import io.sfncallback.core.approval.ReadableText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.owasp.encoder.Encode;

/**
 * The approval pages: plain HTML, no script, no external resource, one inline style sheet allowed
 * by its hash. Every value that comes from a request, an execution or a person goes through the
 * OWASP Java Encoder ({@link Encode#forHtml}), which escapes {@code & < > " '} and so is safe in
 * element content and quoted attributes alike.
 */
final class HtmlPages {

    /** The decision form's field names, the contract any client can rely on. */
    static final String DECISION_FIELD = "decision";
    static final String COMMENT_FIELD = "comment";
    static final String TOKEN_FIELD = "csrf";
    static final int MAX_COMMENT_LENGTH = 1_000;

    static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
            + "line-height:1.5;color:#1b1b1b}h1{font-size:1.5rem}dt{font-weight:600}dd{margin:0 0 .5rem}"
            + ".summary{white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:plaintext;border-left:4px solid #888;"
            + "padding:.5rem 1rem;background:#f4f4f4}.problem{border-left:4px solid #b00020;padding:.5rem 1rem}textarea{width:100%;box-sizing:border-box}button{font-size:1rem;padding:.5rem 1.5rem;"
            + "margin:1rem 1rem 0 0;border-radius:4px;cursor:pointer}"
            // Two decisions that look alike get clicked alike: Approve is filled green, Reject outlined red.
            + "button.approve{background:#1a7f37;color:#fff;border:2px solid #1a7f37}"
            + "button.reject{background:#fff;color:#b00020;border:2px solid #b00020}.note{color:#555;font-size:.9rem}";

    /** The response headers of every page: no script, no framing, no caching, no referrer. */
    static final Map<String, String> HEADERS = headers();

    private HtmlPages() {
    }

    private static Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/html; charset=utf-8");
        headers.put("Content-Security-Policy", "default-src 'none'; style-src '" + styleHash() + "'; "
                + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        // The Referer would hold the link. Under no-referrer a browser sends "Origin: null" with the
        // page's own form POST (Fetch standard, "append a request Origin header"); CrossSiteGuard
        // accepts that only together with Sec-Fetch-Site: same-origin.
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Cache-Control", "no-store");
        headers.put("Strict-Transport-Security", "max-age=31536000");
        headers.put("Cross-Origin-Opener-Policy", "same-origin");
        headers.put("Cross-Origin-Resource-Policy", "same-origin");
        headers.put("X-Robots-Tag", "noindex, nofollow");
        return Map.copyOf(headers);
    }

    static String styleHash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(STYLE.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    /** The request and its decision form (GET). */
    static String requestForm(LinkRecord link, RequestRecord request, String formToken) {
        return requestForm(link, request, formToken, null, null);
    }

    /**
     * The request and its form; {@code comment} is put back into the comment field and {@code problem}
     * said above the form when a POST was refused for what was typed.
     */
    static String requestForm(LinkRecord link, RequestRecord request, String formToken, String comment, String problem) {
        return page("Approval requested",
                "<h1>Approval requested</h1>"
                        + (problem == null ? "" : "<p class=\"problem\" role=\"alert\">" + html(problem) + "</p>")
                        + "<dl>"
                        + "<dt>For</dt><dd>" + html(link.approver()) + "</dd>"
                        + "<dt>Execution</dt><dd dir=\"auto\"><bdi>" + shown(ApprovalMail.executionName(request.executionArn()))
                        + "</bdi></dd>"
                        + "<dt>Requested</dt><dd>" + time(request.createdAt()) + "</dd>"
                        + "<dt>Expires</dt><dd>" + time(request.expiresAt()) + "</dd>"
                        + "</dl>"
                        + "<h2>What is to be approved</h2>"
                        + "<div class=\"summary\" dir=\"auto\">" + shown(request.summary()) + "</div>"
                        + "<form method=\"post\">"
                        + "<input type=\"hidden\" name=\"" + TOKEN_FIELD + "\" value=\"" + html(formToken) + "\">"
                        + "<p><label for=\"comment\">Comment (optional, at most " + MAX_COMMENT_LENGTH + " characters)</label><br>"
                        + "<textarea id=\"comment\" name=\"" + COMMENT_FIELD + "\" rows=\"4\" dir=\"auto\" maxlength=\""
                        + MAX_COMMENT_LENGTH + "\">" + (comment == null ? "" : html(comment)) + "</textarea></p>"
                        + "<button class=\"approve\" type=\"submit\" name=\"" + DECISION_FIELD + "\" value=\"approve\">Approve</button>"
                        + "<button class=\"reject\" type=\"submit\" name=\"" + DECISION_FIELD + "\" value=\"reject\">Reject</button>"
                        + "</form>"
                        + "<p class=\"note\">One decision is taken for this request, from whichever approver decides first.</p>");
    }

    /** The decision was delivered (POST 200). */
    static String decided(RequestRecord request, Decision decision) {
        String what = decision.approved() ? "approved" : "rejected";
        return page("Request " + what,
                "<h1>You " + what + " the request</h1>"
                        + "<p>Your decision was recorded at " + time(decision.decidedAt()) + " and sent to the workflow: execution "
                        + "<bdi>" + shown(ApprovalMail.executionName(request.executionArn())) + "</bdi>"
                        + (decision.approved() ? " continues." : " stops with the error Approval.Rejected.") + "</p>"
                        + (decision.comment() == null ? "" : "<p>Your comment:</p><div class=\"summary\" dir=\"auto\">" + shown(decision.comment()) + "</div>")
                        + "<p class=\"note\">This link no longer works; you can close this page.</p>");
    }

    /** Someone has already decided (409). */
    static String alreadyDecided(LinkRecord link, RequestRecord request) {
        Decision decision = request.decision();
        String what = request.status().name().toLowerCase(java.util.Locale.ROOT);
        String who = decision != null && decision.approver().equals(link.approver()) ? "by you" : "by another approver";
        return page("Already decided",
                "<h1>This request has already been decided</h1>"
                        + "<p>It was " + what + " " + who
                        + (decision == null ? "" : " at " + time(decision.decidedAt())) + ". Nothing was changed.</p>");
    }

    /** A decision is being sent right now (409). */
    static String beingDecided() {
        return page("Decision in progress",
                "<h1>A decision on this request is being recorded</h1>"
                        + "<p>Another click on this request is being sent to the workflow. Open the link again in a minute to see the result.</p>");
    }

    /** Too late: the request expired or its task closed (410). */
    static String closed(RequestRecord request, Instant now) {
        boolean expired = request.expiredAt(now);
        return page(expired ? "Request expired" : "Request closed",
                expired
                        ? "<h1>This approval request has expired</h1><p>No decision could be taken after "
                        + time(request.expiresAt()) + "; the workflow has stopped waiting. Nothing was changed.</p>"
                        : "<h1>This approval request is closed</h1><p>The workflow stopped waiting for a decision "
                        + "(it timed out or was stopped), so none can be taken any more. Nothing was changed.</p>");
    }

    /** The request's execution ended without a decision (410): no form. */
    static String executionEnded(RequestRecord request, String how) {
        return page("Request closed",
                "<h1>This approval request is closed</h1><p>The workflow's execution <bdi>"
                        + shown(ApprovalMail.executionName(request.executionArn())) + "</bdi> " + html(how)
                        + " without waiting for a decision, so none can be taken any more. Nothing was changed.</p>");
    }

    /** A page with a heading and one paragraph, for every other answer. */
    static String message(String title, String text) {
        return page(title, "<h1>" + html(title) + "</h1><p>" + html(text) + "</p>");
    }

    static String html(String text) {
        return Encode.forHtml(text);
    }

    /**
     * Text a requester or approver wrote, escaped, with any character the approval rule refuses shown as
     * a marker ({@link ReadableText#visible}): for records stored before the rule, and execution names,
     * which Step Functions does not restrict so.
     */
    static String shown(String text) {
        return html(ReadableText.visible(text));
    }

    private static String time(Instant instant) {
        return html(instant.truncatedTo(ChronoUnit.SECONDS) + " (UTC)");
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"robots\" content=\"noindex, nofollow\">"
                + "<title>" + html(title) + "</title><style>" + STYLE + "</style></head><body>"
                + body + "</body></html>";
    }
}
