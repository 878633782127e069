package io.sfncallback.approval.page;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.sfncallback.approval.link.FormTokens;
import io.sfncallback.approval.link.LinkSecrets;
import io.sfncallback.approval.store.ApprovalStore.Claim;
import io.sfncallback.approval.store.ApprovalStore;
import io.sfncallback.approval.store.Decision;
import io.sfncallback.approval.store.LinkRecord;
import io.sfncallback.approval.store.RequestRecord;
import io.sfncallback.approval.store.Status;
import io.sfncallback.core.approval.ReadableText;
import io.sfncallback.core.callback.CallbackResult;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.callback.Text;
import io.sfncallback.core.callback.TokenFingerprint;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.core.logging.LogLine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The approval page behind {@code GET} and {@code POST /approvals/{link}}: shows a request and takes
 * its one decision. The API's catch-all {@code $default} route sends it every other request too, so that
 * each answer of the approval origin carries the page's security headers: a path other than
 * {@code /approvals/{link}} is 404 and another method on a page path is 405 (with {@code Allow}), both
 * answered at once, without a lookup or a call to AWS.
 *
 * <p>A GET only reads (mail scanners and link previews open links), with one exception: when Step
 * Functions says the request's execution no longer runs ({@link Executions}), the request is marked
 * closed, its token forgotten, and the link answers 410 instead of showing a form. A POST decides, in
 * three steps:
 * <ol>
 *   <li>claim the request's one decision with a conditional update, which fails when anyone decided
 *       first (409) or the request expired or closed (410);</li>
 *   <li>send it: SendTaskSuccess {@code {"approved": true, "approver", "comment", "decidedAt"}}, or
 *       SendTaskFailure {@code Approval.Rejected} with the cause {@code {"approver", "decidedAt", "comment"}}
 *       (the comment is only ever the comment: it cannot speak for who decided);</li>
 *   <li>end the claim by what Step Functions answered: accepted, the request is decided and the token
 *       removed (200); the task had already closed (TaskTimedOut, TaskDoesNotExist, InvalidToken), the
 *       request is closed (410); Step Functions unreachable after the SDK's retries, the claim is
 *       released so that the request is pending again and the approver can simply retry (503). A claim
 *       whose holder died (the function timed out between steps) lapses after its lease.</li>
 * </ol>
 *
 * <p>No answer carries a stack trace, the task token or the link; the log names a link by its
 * fingerprint only. A HEAD gets the status and headers without a body. Status codes: 200 page or decision
 * taken, 400 malformed form, 403 cross-site or missing form token, 404 no such page or an unknown or
 * malformed link, 405 other methods, 409 already decided (or being
 * decided), 410 expired or closed or its execution ended, 413 body too large, 415 not a form, 503 AWS unavailable, 500 a bug.
 */
public final class ApprovalPages {

    public static final String REJECTED = "Approval.Rejected";
    /** A form is a few hundred bytes; its largest field, the comment, fits 1,000 characters even fully percent-encoded. */
    static final int MAX_BODY_BYTES = 16 * 1024;
    static final int MAX_USER_AGENT_LENGTH = 512;
    static final String RETRY_AFTER_SECONDS = "30";
    /** A method is a short token; the log keeps no more of whatever a client sent as one. */
    static final int MAX_LOGGED_METHOD_LENGTH = 16;

    private final ApprovalStore store;
    private final TaskCallbacks callbacks;
    private final Executions executions;
    private final Clock clock;
    private final Duration lease;
    private final String originOverride;

    /**
     * @param lease          how long a claimed decision is held before another click may take over;
     *                       longer than one Step Functions call with its retries
     * @param executions     asked whether a request's execution still runs before a form is shown or a decision taken
     * @param originOverride the page's origin when it is not {@code https://<API domain>} (local runs), or {@code null}
     */
    public ApprovalPages(ApprovalStore store, TaskCallbacks callbacks, Executions executions, Clock clock, Duration lease,
                         String originOverride) {
        this.store = Objects.requireNonNull(store, "store");
        this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
        this.executions = Objects.requireNonNull(executions, "executions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.originOverride = originOverride;
    }

    /** Answers one request; never throws. */
    public PageResponse handle(HttpRequest request, JsonLog log) {
        String linkHash = LinkSecrets.isWellFormed(request.link()) ? LinkSecrets.hash(request.link()) : null;
        String linkFingerprint = linkHash == null ? null : LinkSecrets.fingerprint(linkHash);
        PageResponse response;
        try {
            response = route(request, linkHash, linkFingerprint, log);
        } catch (SdkException e) {
            log.at(LogLevel.ERROR, "approval page: AWS unavailable")
                    .with("link", linkFingerprint)
                    .with("detail", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .write();
            response = unavailable();
        } catch (RuntimeException e) {
            log.at(LogLevel.ERROR, "approval page failed")
                    .with("link", linkFingerprint)
                    .with("detail", e.getClass().getName() + ": " + e.getMessage())
                    .write();
            response = message(500, "Something went wrong",
                    "The approval page failed unexpectedly. Nothing was decided. Try again later.", "ERROR");
        }
        if (request.method().equals("HEAD")) {
            response = new PageResponse(response.status(), response.headers(), "", response.outcome());
        }
        // No path: it may hold a link (a credential); the outcome says whether it was a page path.
        log.at(response.status() >= 500 ? LogLevel.ERROR : LogLevel.INFO, "approval page")
                .with("method", Text.truncate(request.method(), MAX_LOGGED_METHOD_LENGTH))
                .with("status", response.status())
                .with("outcome", response.outcome())
                .with("link", linkFingerprint)
                .with("sourceIp", request.sourceIp())
                .write();
        return response;
    }

    /** {@code linkHash} and {@code linkFingerprint} are null when the link is not well-formed. */
    private PageResponse route(HttpRequest request, String linkHash, String linkFingerprint, JsonLog log) {
        if (request.link() == null) {
            return noSuchPage();
        }
        boolean post = request.method().equals("POST");
        if (!post && !request.method().equals("GET")) {
            return new PageResponse(405, with(HtmlPages.HEADERS, "Allow", "GET, POST"),
                    HtmlPages.message("Method not allowed", "Open the link from your e-mail; the page's buttons send your decision."),
                    "METHOD_NOT_ALLOWED");
        }
        if (linkHash == null) {
            return notFound();
        }
        Map<String, String> form = Map.of();
        if (post) {
            FormOrRefusal checked = checkPost(request);
            if (checked.refusal != null) {
                return checked.refusal;
            }
            form = checked.form;
        }
        Optional<LinkRecord> link = store.link(linkHash);
        if (link.isEmpty()) {
            return notFound();
        }
        Optional<RequestRecord> found = store.request(link.get().requestId());
        if (found.isEmpty() || !found.get().executionArn().equals(link.get().executionArn())) {
            return notFound();
        }
        RequestRecord approval = found.get();
        Instant now = clock.instant();
        if (post && !FormTokens.matches(approval.formKey(), linkHash, form.get(HtmlPages.TOKEN_FIELD))) {
            return message(403, "Request refused",
                    "The decision did not come from this approval page (its form token is missing or wrong). "
                            + "Open the link from your e-mail and use the page's buttons.", "BAD_FORM_TOKEN");
        }
        Optional<PageResponse> notOpen = notOpen(link.get(), approval, now);
        if (notOpen.isPresent()) {
            return notOpen.get();
        }
        Optional<PageResponse> ended = executionEnded(approval, now, log);
        if (ended.isPresent()) {
            return ended.get();
        }
        String formToken = FormTokens.of(approval.formKey(), linkHash);
        if (!post) {
            return new PageResponse(200, HtmlPages.HEADERS, HtmlPages.requestForm(link.get(), approval, formToken), "SHOWN");
        }
        String typed = form.get(HtmlPages.COMMENT_FIELD);
        Optional<String> hidden = typed == null ? Optional.empty() : ReadableText.refusal("The comment", typed);
        if (hidden.isPresent()) {
            // The form again, with what was typed, so that the approver can correct it.
            return new PageResponse(400, HtmlPages.HEADERS,
                    HtmlPages.requestForm(link.get(), approval, formToken, typed, hidden.get() + ". Nothing was decided."),
                    "BAD_COMMENT");
        }
        return decide(request, link.get(), linkFingerprint, approval, form, now, log);
    }

    /** 409 or 410 when the request can take no decision now (by its record); empty when it is open. */
    private Optional<PageResponse> notOpen(LinkRecord link, RequestRecord approval, Instant now) {
        if (approval.status().decided()) {
            return Optional.of(new PageResponse(409, HtmlPages.HEADERS, HtmlPages.alreadyDecided(link, approval), "ALREADY_DECIDED"));
        }
        if (approval.status() == Status.CLOSED || approval.expiredAt(now)) {
            return Optional.of(new PageResponse(410, HtmlPages.HEADERS, HtmlPages.closed(approval, now), "CLOSED"));
        }
        if (approval.claimHeldAt(now)) {
            return Optional.of(new PageResponse(409, HtmlPages.HEADERS, HtmlPages.beingDecided(), "BEING_DECIDED"));
        }
        return Optional.empty();
    }

    /**
     * 410 when Step Functions says the request's execution no longer runs (stopped, failed, timed out):
     * the request is closed and its token forgotten. Empty when it runs, or when Step Functions cannot
     * be asked (then the decision's own callback is the judge, as before).
     */
    private Optional<PageResponse> executionEnded(RequestRecord approval, Instant now, JsonLog log) {
        Executions.State state = executions.state(approval.executionArn());
        if (state instanceof Executions.Unknown unknown) {
            log.at(LogLevel.WARN, "approval page: could not ask Step Functions whether the execution runs")
                    .with("approvalId", approval.requestId())
                    .with("detail", unknown.detail())
                    .write();
            return Optional.empty();
        }
        if (!(state instanceof Executions.Ended ended)) {
            return Optional.empty();
        }
        boolean closed;
        try {
            closed = store.closeEnded(approval.requestId(), "execution " + ended.status() + " before a decision", now);
        } catch (SdkException e) {
            // The page still says closed; the next visit tries again.
            closed = false;
            log.at(LogLevel.ERROR, "approval could not be marked closed")
                    .with("approvalId", approval.requestId())
                    .with("detail", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .write();
        }
        log.at(LogLevel.INFO, "approval closed: its execution ended")
                .with("approvalId", approval.requestId())
                .with("executionArn", approval.executionArn())
                .with("executionStatus", ended.status())
                .with("recorded", closed)
                .write();
        return Optional.of(new PageResponse(410, HtmlPages.HEADERS, HtmlPages.executionEnded(approval, ended.description()),
                "EXECUTION_ENDED"));
    }

    private PageResponse decide(HttpRequest request, LinkRecord link, String linkFingerprint, RequestRecord approval,
                                Map<String, String> form, Instant now, JsonLog log) {
        boolean approve = form.get(HtmlPages.DECISION_FIELD).equals("approve");
        String comment = comment(form.get(HtmlPages.COMMENT_FIELD));
        Decision decision = new Decision(approve, link.approver(), comment, now, linkFingerprint, request.sourceIp(),
                Text.truncate(request.userAgent(), MAX_USER_AGENT_LENGTH));
        String claimId = UUID.randomUUID().toString();
        Claim claim = store.claim(approval.requestId(), claimId, decision, now, lease);
        if (claim instanceof Claim.Refused refused) {
            if (refused.current() == null) {
                return notFound();
            }
            return notOpen(link, refused.current(), clock.instant())
                    .orElseGet(() -> new PageResponse(409, HtmlPages.HEADERS, HtmlPages.beingDecided(), "BEING_DECIDED"));
        }
        RequestRecord claimed = ((Claim.Claimed) claim).request();
        String token = claimed.taskToken();
        CallbackResult result = approve
                ? callbacks.succeed(token, output(decision))
                : callbacks.fail(token, REJECTED, cause(decision));
        LogLine line = log.at(LogLevel.INFO, "approval decided")
                .with("approvalId", approval.requestId())
                .with("executionArn", approval.executionArn())
                .with("token", TokenFingerprint.of(token))
                .with("decision", approve ? "approve" : "reject")
                .with("approver", decision.approver())
                .with("link", linkFingerprint)
                .with("decidedAt", decision.decidedAt().toString())
                .with("sourceIp", decision.sourceIp())
                .with("userAgent", decision.userAgent())
                .with("hasComment", comment != null);
        switch (result) {
            case CallbackResult.Delivered delivered -> {
                boolean finished = finish(() -> store.finish(approval.requestId(), claimId, approve), log, approval);
                line.with("delivered", true).with("recorded", finished).write();
                return new PageResponse(200, HtmlPages.HEADERS, HtmlPages.decided(approval, decision), approve ? "APPROVED" : "REJECTED");
            }
            case CallbackResult.TaskClosed closed -> {
                line.with("delivered", false).with("taskClosed", closed.errorCode()).write();
                return closeForGood(approval, claimId, closed.errorCode() + ": " + closed.message(), decision, linkFingerprint, log);
            }
            case CallbackResult.InvalidToken invalid -> {
                // Step Functions never issued the stored token (another region or account than
                // the one this function calls): no retry can complete the task, so the request
                // is closed, loudly.
                line.with("delivered", false).with("taskClosed", "InvalidToken").write();
                log.at(LogLevel.ERROR, "approval token refused as never issued: check the function's region and account")
                        .with("approvalId", approval.requestId()).with("detail", invalid.message()).write();
                return closeForGood(approval, claimId, "InvalidToken: " + invalid.message(), decision, linkFingerprint, log);
            }
            case CallbackResult.OutputRejected rejected -> {
                finish(() -> store.release(approval.requestId(), claimId), log, approval);
                line.with("delivered", false).with("detail", "output rejected: " + rejected.message()).write();
                return unavailable();
            }
            case CallbackResult.Unavailable unavailable -> {
                finish(() -> store.release(approval.requestId(), claimId), log, approval);
                line.with("delivered", false).with("detail", unavailable.description()).write();
                return unavailable();
            }
        }
    }

    /**
     * The task closed before the decision reached it: the request is closed for good, with {@code reason} and who
     * decided through which link, and the approver sees 410. The page needs only the request's expiry, which
     * closing leaves as it was.
     */
    private PageResponse closeForGood(RequestRecord approval, String claimId, String reason, Decision decision,
                                      String linkFingerprint, JsonLog log) {
        finish(() -> store.close(approval.requestId(), claimId, reason + " (when " + decision.approver()
                + " decided through link " + linkFingerprint + ")", clock.instant()), log, approval);
        return new PageResponse(410, HtmlPages.HEADERS, HtmlPages.closed(approval, clock.instant()), "CLOSED");
    }

    /** Ends a claim; a failure here is logged, not shown: the claim then lapses with its lease. */
    private static boolean finish(java.util.function.BooleanSupplier end, JsonLog log, RequestRecord approval) {
        try {
            boolean ended = end.getAsBoolean();
            if (!ended) {
                log.at(LogLevel.WARN, "approval claim had already lapsed").with("approvalId", approval.requestId()).write();
            }
            return ended;
        } catch (SdkException e) {
            log.at(LogLevel.ERROR, "approval claim could not be ended; it lapses with its lease")
                    .with("approvalId", approval.requestId())
                    .with("detail", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .write();
            return false;
        }
    }

    static String output(Decision decision) {
        JsonObject output = new JsonObject();
        output.addProperty("approved", true);
        output.addProperty("approver", decision.approver());
        output.add("comment", decision.comment() == null ? JsonNull.INSTANCE : new JsonPrimitive(decision.comment()));
        output.addProperty("decidedAt", decision.decidedAt().toString());
        return output.toString();
    }

    /**
     * The rejection's cause: a JSON object {@code {"approver", "decidedAt", "comment"}} (comment null when
     * none), so that the history names who decided, whatever the comment says, and a later state can read
     * it with {@code States.StringToJson($.Cause)}.
     */
    static String cause(Decision decision) {
        JsonObject cause = new JsonObject();
        cause.addProperty("approver", decision.approver());
        cause.addProperty("decidedAt", decision.decidedAt().toString());
        cause.add("comment", decision.comment() == null ? JsonNull.INSTANCE : new JsonPrimitive(decision.comment()));
        return cause.toString();
    }

    private static String comment(String raw) {
        if (raw == null) {
            return null;
        }
        String trimmed = raw.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }

    private record FormOrRefusal(Map<String, String> form, PageResponse refusal) {
    }

    /** The POST's checks that need no lookup: size, type, cross-site headers, form encoding and fields. */
    private FormOrRefusal checkPost(HttpRequest request) {
        byte[] body;
        String raw = request.body() == null ? "" : request.body();
        if (request.base64Encoded()) {
            if (raw.length() > (MAX_BODY_BYTES + 2) / 3 * 4) {
                return refuse(tooLarge());
            }
            try {
                body = Base64.getDecoder().decode(raw);
            } catch (IllegalArgumentException e) {
                return refuse(badForm("the request body is not valid base64"));
            }
        } else {
            if (raw.length() > MAX_BODY_BYTES) {
                return refuse(tooLarge());
            }
            body = raw.getBytes(StandardCharsets.UTF_8);
        }
        if (body.length > MAX_BODY_BYTES) {
            return refuse(tooLarge());
        }
        if (!isForm(request.header("content-type"))) {
            return refuse(message(415, "Unsupported form", "Send the decision as the page's form does: "
                    + "application/x-www-form-urlencoded in UTF-8.", "UNSUPPORTED_MEDIA_TYPE"));
        }
        Optional<String> crossSite = CrossSiteGuard.refusal(request, expectedOrigin(request));
        if (crossSite.isPresent()) {
            return refuse(message(403, "Request refused", "A decision can only be sent from the approval page itself: "
                    + crossSite.get() + ".", "CROSS_SITE"));
        }
        Map<String, String> form;
        try {
            form = FormDecoder.decode(new String(body, StandardCharsets.ISO_8859_1));
        } catch (FormDecoder.MalformedFormException e) {
            return refuse(badForm(e.getMessage()));
        }
        String decision = form.get(HtmlPages.DECISION_FIELD);
        if (!"approve".equals(decision) && !"reject".equals(decision)) {
            return refuse(badForm("the form's decision must be approve or reject"));
        }
        String comment = form.get(HtmlPages.COMMENT_FIELD);
        if (comment != null && comment.strip().length() > HtmlPages.MAX_COMMENT_LENGTH) {
            return refuse(badForm("the comment has " + comment.strip().length() + " characters; at most "
                    + HtmlPages.MAX_COMMENT_LENGTH + " are allowed"));
        }
        return new FormOrRefusal(form, null);
    }

    /** The page's own origin: the override, else {@code https://} + the API domain the request came to. */
    String expectedOrigin(HttpRequest request) {
        if (originOverride != null) {
            return originOverride;
        }
        return request.domainName() == null ? null : "https://" + request.domainName().toLowerCase(Locale.ROOT);
    }

    private static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/x-www-form-urlencoded")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].trim().split("=", 2);
            if (parameter[0].trim().equalsIgnoreCase("charset")
                    && (parameter.length < 2 || !parameter[1].trim().replace("\"", "").equalsIgnoreCase("utf-8"))) {
                return false;
            }
        }
        return true;
    }

    private static FormOrRefusal refuse(PageResponse response) {
        return new FormOrRefusal(null, response);
    }

    private static PageResponse badForm(String reason) {
        return message(400, "Bad request", "The decision could not be read: " + reason + ". Nothing was decided.", "BAD_FORM");
    }

    private static PageResponse tooLarge() {
        return message(413, "Request too large", "The form is larger than " + MAX_BODY_BYTES
                + " bytes. Shorten the comment; nothing was decided.", "TOO_LARGE");
    }

    private static PageResponse notFound() {
        return message(404, "Link not valid", "This approval link is not known here. Check that you opened the whole "
                + "link from the e-mail. A link also stops working when its request is deleted after the retention "
                + "period, and a local stack (scripts/local-run.sh) forgets every link when it restarts: its state "
                + "lives in memory only.", "UNKNOWN_LINK");
    }

    /** Any path but {@code /approvals/{link}} (the favicon, the root, a link with more segments): nothing to look up. */
    private static PageResponse noSuchPage() {
        return message(404, "Page not found", "There is no page at this address. An approval link ends in "
                + "/approvals/ followed by the code from your e-mail; open the whole link from the e-mail.", "NO_SUCH_PAGE");
    }

    private static PageResponse unavailable() {
        return new PageResponse(503, with(HtmlPages.HEADERS, "Retry-After", RETRY_AFTER_SECONDS),
                HtmlPages.message("Try again shortly", "Your decision could not be sent to the workflow just now, so "
                        + "nothing was recorded. Go back and send it again in a minute."), "UNAVAILABLE");
    }

    private static PageResponse message(int status, String title, String text, String outcome) {
        return new PageResponse(status, HtmlPages.HEADERS, HtmlPages.message(title, text), outcome);
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new HashMap<>(headers);
        copy.put(name, value);
        return copy;
    }
}
