package io.sfncallback.approval.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.approval.link.FormTokens;
import io.sfncallback.approval.link.LinkSecrets;
import io.sfncallback.approval.store.ApprovalStore;
import io.sfncallback.approval.store.Decision;
import io.sfncallback.approval.store.LinkRecord;
import io.sfncallback.approval.store.RequestRecord;
import io.sfncallback.approval.store.Status;
import io.sfncallback.core.callback.CallbackResult;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.testkit.CapturingLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** The page's answers with the store and Step Functions mocked: status codes, headers, refusals. */
class ApprovalPagesTest {

    static final Instant NOW = Instant.parse("2030-05-06T07:08:09Z");
    static final String TOKEN = "task-token-that-must-never-show";
    static final String SECRET = new LinkSecrets().newSecret();
    static final String HASH = LinkSecrets.hash(SECRET);
    static final byte[] FORM_KEY = new byte[32];
    static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:machine:order-7";

    private final ApprovalStore store = mock(ApprovalStore.class);
    private final TaskCallbacks callbacks = mock(TaskCallbacks.class);
    private final Executions executions = mock(Executions.class);
    private final CapturingLogger logger = new CapturingLogger();
    private final JsonLog log = new JsonLog(logger, LogLevel.DEBUG, "req-1", Clock.systemUTC());
    private final ApprovalPages pages = new ApprovalPages(store, callbacks, executions, Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofSeconds(40), null);

    static RequestRecord request(Status status, Instant expiresAt, Decision decision) {
        return request(status, expiresAt, decision, "Buy 3 laptops");
    }

    static RequestRecord request(Status status, Instant expiresAt, Decision decision, String summary) {
        return new RequestRecord("rid", status == Status.PENDING || status == Status.DECIDING ? TOKEN : null, EXECUTION,
                summary, List.of("a@example.com"), NOW.minusSeconds(60), expiresAt, status, FORM_KEY,
                Set.of("a@example.com"), status == Status.DECIDING ? "c" : null,
                status == Status.DECIDING ? NOW.plusSeconds(30) : null, decision, null);
    }

    @BeforeEach
    void knownLink() {
        when(store.link(HASH)).thenReturn(Optional.of(new LinkRecord(HASH, "rid", "a@example.com", EXECUTION, NOW, NOW.plusSeconds(600))));
        when(store.request("rid")).thenReturn(Optional.of(request(Status.PENDING, NOW.plusSeconds(600), null)));
        when(executions.state(EXECUTION)).thenReturn(Executions.RUNNING);
    }

    static HttpRequest get(String link) {
        return new HttpRequest("GET", link, Map.of(), null, false, "192.0.2.1", "ua", "api.example.com");
    }

    static HttpRequest post(String body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/x-www-form-urlencoded");
        return new HttpRequest("POST", SECRET, all, body, false, "192.0.2.1", "ua", "api.example.com");
    }

    static String validForm(String decision) {
        return "decision=" + decision + "&csrf=" + FormTokens.of(FORM_KEY, HASH);
    }

    @Test
    void everyPageCarriesTheSecurityHeaders() {
        for (PageResponse response : List.of(pages.handle(get(SECRET), log), pages.handle(get("nope"), log),
                pages.handle(post("x=%zz", Map.of()), log))) {
            assertThat(response.headers())
                    .containsEntry("Content-Type", "text/html; charset=utf-8")
                    .containsEntry("X-Content-Type-Options", "nosniff")
                    .containsEntry("Referrer-Policy", "no-referrer")
                    .containsEntry("Cache-Control", "no-store")
                    .containsEntry("X-Frame-Options", "DENY")
                    .containsKey("Strict-Transport-Security");
            assertThat(response.headers().get("Content-Security-Policy"))
                    .contains("default-src 'none'").contains("form-action 'self'").contains("frame-ancestors 'none'")
                    .contains("style-src '" + HtmlPages.styleHash() + "'").doesNotContain("script-src").doesNotContain("unsafe");
            assertThat(response.body()).doesNotContain("<script");
        }
    }

    @Test
    void aGetShowsTheRequestAndNeverDecides() {
        PageResponse response = pages.handle(get(SECRET), log);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("Buy 3 laptops").contains("order-7").contains("a@example.com")
                .contains("2030-05-06T07:18:09Z").contains(FormTokens.of(FORM_KEY, HASH)).doesNotContain(TOKEN).doesNotContain(SECRET);
        verify(store, never()).claim(anyString(), anyString(), any(), any(), any());
        verifyNoInteractions(callbacks);
    }

    /** Two decisions that look alike get clicked alike: Approve and Reject are styled apart. */
    @Test
    void approveAndRejectLookDifferent() {
        String body = pages.handle(get(SECRET), log).body();

        assertThat(body).contains("<button class=\"approve\"").contains("<button class=\"reject\"");
        assertThat(HtmlPages.STYLE).contains("button.approve{background:#1a7f37").contains("button.reject{background:#fff");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "short", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "../../etc/passwd", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!"})
    void aMalformedLinkIsNotFoundWithoutALookup(String link) {
        assertThat(pages.handle(get(link), log).status()).isEqualTo(404);
        verify(store, never()).link(anyString());
    }

    @Test
    void anUnknownLinkIsNotFoundAndTheAnswerBlamesNobody() {
        PageResponse response = pages.handle(get(new LinkSecrets().newSecret()), log);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).contains("not known here").contains("forgets every link when it restarts")
                .doesNotContain("made up");
    }

    @Test
    void aLinkWhoseExecutionDoesNotMatchItsRequestIsNotFound() {
        when(store.link(HASH)).thenReturn(Optional.of(new LinkRecord(HASH, "rid", "a@example.com",
                EXECUTION + "-other", NOW, NOW.plusSeconds(600))));
        assertThat(pages.handle(get(SECRET), log).status()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"})
    void otherMethodsAreNotAllowed(String method) {
        PageResponse response = pages.handle(new HttpRequest(method, SECRET, Map.of(), null, false, null, null, null), log);

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.headers()).containsEntry("Allow", "GET, POST");
        verifyNoInteractions(callbacks);
    }

    @Test
    void anOversizedBodyIsRefusedBeforeItIsRead() {
        String body = validForm("approve") + "&comment=" + "a".repeat(ApprovalPages.MAX_BODY_BYTES);
        assertThat(pages.handle(post(body, Map.of()), log).status()).isEqualTo(413);
        String base64 = Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8));
        assertThat(pages.handle(new HttpRequest("POST", SECRET, Map.of("content-type", "application/x-www-form-urlencoded"),
                base64, true, null, null, null), log).status()).isEqualTo(413);
        verify(store, never()).link(anyString());
    }

    @Test
    void aBase64EncodedFormIsDecoded() {
        when(store.claim(anyString(), anyString(), any(), any(), any()))
                .thenReturn(new ApprovalStore.Claim.Claimed(request(Status.DECIDING, NOW.plusSeconds(600), null)));
        when(callbacks.succeed(anyString(), anyString())).thenReturn(CallbackResult.DELIVERED);
        when(store.finish("rid", "c", true)).thenReturn(true);
        String base64 = Base64.getEncoder().encodeToString(validForm("approve").getBytes(StandardCharsets.UTF_8));

        PageResponse response = pages.handle(new HttpRequest("POST", SECRET, Map.of("content-type", "application/x-www-form-urlencoded"),
                base64, true, null, null, null), log);

        assertThat(response.status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/json", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded; charset=iso-8859-1"})
    void aBodyThatIsNotAUtf8FormIsUnsupported(String contentType) {
        assertThat(pages.handle(post(validForm("approve"), Map.of("Content-Type", contentType)), log).status()).isEqualTo(415);
    }

    @ParameterizedTest
    @ValueSource(strings = {"decision=approve&csrf=x&comment=%zz", "decision=approve&decision=reject", "decision=maybe",
            "comment=hello", "decision=approve&comment=%C3%28"})
    void aMalformedFormIsABadRequest(String body) {
        PageResponse response = pages.handle(post(body, Map.of()), log);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("Nothing was decided");
        verify(store, never()).claim(anyString(), anyString(), any(), any(), any());
    }

    @Test
    void aTooLongCommentIsABadRequest() {
        String body = validForm("approve") + "&comment=" + "x".repeat(HtmlPages.MAX_COMMENT_LENGTH + 1);
        assertThat(pages.handle(post(body, Map.of()), log).status()).isEqualTo(400);
    }

    @Test
    void theExpectedOriginIsTheApiDomainOverHttpsUnlessOverridden() {
        assertThat(pages.expectedOrigin(get(SECRET))).isEqualTo("https://api.example.com");
        ApprovalPages local = new ApprovalPages(store, callbacks, executions, Clock.systemUTC(), Duration.ofSeconds(40),
                "http://127.0.0.1:8085");
        assertThat(local.expectedOrigin(get(SECRET))).isEqualTo("http://127.0.0.1:8085");
        assertThat(pages.handle(post(validForm("approve"), Map.of("Origin", "https://API.example.com")), log).status())
                .as("origins compare case-insensitively").isNotEqualTo(403);
    }

    @Test
    void aDecidedRequestIsAConflict() {
        when(store.request("rid")).thenReturn(Optional.of(request(Status.APPROVED, NOW.plusSeconds(600),
                new Decision(true, "a@example.com", null, NOW.minusSeconds(5), "0123456789ab", null, null))));

        assertThat(pages.handle(get(SECRET), log).status()).isEqualTo(409);
        assertThat(pages.handle(post(validForm("reject"), Map.of()), log).status()).isEqualTo(409);
        verifyNoInteractions(callbacks);
    }

    @Test
    void aRequestBeingDecidedIsAConflict() {
        when(store.request("rid")).thenReturn(Optional.of(request(Status.DECIDING, NOW.plusSeconds(600), null)));
        assertThat(pages.handle(get(SECRET), log).status()).isEqualTo(409);
    }

    @Test
    void anExpiredRequestIsGone() {
        when(store.request("rid")).thenReturn(Optional.of(request(Status.PENDING, NOW, null)));

        PageResponse response = pages.handle(post(validForm("approve"), Map.of()), log);

        assertThat(response.status()).isEqualTo(410);
        assertThat(response.body()).contains("expired");
        verify(store, never()).claim(anyString(), anyString(), any(), any(), any());
    }

    @Test
    void aRefusedClaimSaysWhoWon() {
        when(store.claim(anyString(), anyString(), any(), any(), any())).thenReturn(new ApprovalStore.Claim.Refused(
                request(Status.REJECTED, NOW.plusSeconds(600), new Decision(false, "b@example.com", null, NOW, "ffffffffffff", null, null))));

        PageResponse response = pages.handle(post(validForm("approve"), Map.of()), log);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.body()).contains("rejected").contains("by another approver");
        verifyNoInteractions(callbacks);
    }

    @Test
    void aStoreOutageIsServiceUnavailableWithoutDetails() {
        when(store.link(HASH)).thenThrow(DynamoDbException.builder().message("Throughput exceeded for table secret-table").build());

        PageResponse response = pages.handle(get(SECRET), log);

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.body()).doesNotContain("Throughput").doesNotContain("Exception").doesNotContain("secret-table");
    }

    @Test
    void aBugIsAPlainServerErrorWithoutAStackTrace() {
        when(store.link(HASH)).thenThrow(new IllegalStateException("unexpected state at io.sfncallback.Something"));

        PageResponse response = pages.handle(get(SECRET), log);

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("IllegalStateException").doesNotContain("io.sfncallback").doesNotContain("at ");
        assertThat(logger.all()).contains("IllegalStateException");
    }

    @Test
    void aDeliveredDecisionWhoseRecordCannotBeWrittenStillSaysItWasDecided() {
        when(store.claim(anyString(), anyString(), any(), any(), any()))
                .thenReturn(new ApprovalStore.Claim.Claimed(request(Status.DECIDING, NOW.plusSeconds(600), null)));
        when(callbacks.succeed(anyString(), anyString())).thenReturn(CallbackResult.DELIVERED);
        when(store.finish(anyString(), anyString(), any(Boolean.class))).thenThrow(DynamoDbException.builder().message("down").build());

        PageResponse response = pages.handle(post(validForm("approve"), Map.of()), log);

        assertThat(response.status()).as("Step Functions has the decision").isEqualTo(200);
        assertThat(logger.all()).contains("lapses with its lease");
    }

    @Test
    void noLogLineHoldsTheLinkOrTheToken() {
        when(store.claim(anyString(), anyString(), any(), any(), any()))
                .thenReturn(new ApprovalStore.Claim.Claimed(request(Status.DECIDING, NOW.plusSeconds(600), null)));
        when(callbacks.succeed(anyString(), anyString())).thenReturn(CallbackResult.DELIVERED);
        when(store.finish(anyString(), anyString(), any(Boolean.class))).thenReturn(true);

        pages.handle(get(SECRET), log);
        pages.handle(post(validForm("approve"), Map.of()), log);

        assertThat(logger.lines()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(logger.all()).doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain(HASH)
                .contains(LinkSecrets.fingerprint(HASH));
    }

    // ----- Issue 18: what the approver reads, who the record names, ended executions -----

    /** Attack 1 through the form: a comment that would be shown reordered, or with hidden characters. */
    @ParameterizedTest
    @ValueSource(strings = {"%E2%80%AE00.05%E2%80%AC", "ACME%E2%80%8B+Ltd", "a%00b", "line%E2%80%A8two", "%EF%BB%BFbom"})
    void aCommentWithCharactersThatHideOrRearrangeIsRefusedAndWhatWasTypedIsKept(String encoded) {
        String typed = java.net.URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        int hidden = typed.codePoints().filter(io.sfncallback.core.approval.ReadableText::hidden).findFirst().orElseThrow();

        PageResponse response = pages.handle(post(validForm("reject") + "&comment=" + encoded, Map.of()), log);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("The comment contains " + String.format("U+%04X", hidden))
                .contains("at position").contains("Nothing was decided")
                .contains("<form method=\"post\">").contains(FormTokens.of(FORM_KEY, HASH))
                .contains(">" + HtmlPages.html(typed) + "</textarea>");
        verify(store, never()).claim(anyString(), anyString(), any(), any(), any());
        verifyNoInteractions(callbacks);
    }

    @Test
    void aCommentInHebrewOrArabicIsAccepted() {
        when(store.claim(anyString(), anyString(), any(), any(), any()))
                .thenReturn(new ApprovalStore.Claim.Claimed(request(Status.DECIDING, NOW.plusSeconds(600), null)));
        when(callbacks.fail(anyString(), anyString(), anyString())).thenReturn(CallbackResult.DELIVERED);
        when(store.finish("rid", "c", false)).thenReturn(true);
        String comment = "לא מאושר — غير موافق";

        PageResponse response = pages.handle(post(validForm("reject") + "&comment="
                + java.net.URLEncoder.encode(comment, StandardCharsets.UTF_8), Map.of()), log);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("<div class=\"summary\" dir=\"auto\">" + HtmlPages.html(comment) + "</div>");
    }

    /** Attack 3: a comment that names someone else does not make the history say they decided. */
    @Test
    void aRejectionsCauseNamesTheRealApproverAndTimeWhateverTheCommentSays() {
        when(store.claim(anyString(), anyString(), any(), any(), any()))
                .thenReturn(new ApprovalStore.Claim.Claimed(request(Status.DECIDING, NOW.plusSeconds(600), null)));
        when(callbacks.fail(anyString(), anyString(), anyString())).thenReturn(CallbackResult.DELIVERED);
        when(store.finish("rid", "c", false)).thenReturn(true);

        pages.handle(post(validForm("reject") + "&comment=Rejected+by+cfo%40example.com", Map.of()), log);

        org.mockito.ArgumentCaptor<String> cause = org.mockito.ArgumentCaptor.forClass(String.class);
        verify(callbacks).fail(org.mockito.ArgumentMatchers.eq(TOKEN), org.mockito.ArgumentMatchers.eq("Approval.Rejected"),
                cause.capture());
        assertThat(cause.getValue()).isEqualTo("{\"approver\":\"a@example.com\",\"decidedAt\":\"2030-05-06T07:08:09Z\","
                + "\"comment\":\"Rejected by cfo@example.com\"}");
        com.google.gson.JsonObject parsed = com.google.gson.JsonParser.parseString(cause.getValue()).getAsJsonObject();
        assertThat(parsed.get("approver").getAsString()).isEqualTo("a@example.com");
    }

    @Test
    void aRejectionWithoutACommentHasANullComment() {
        assertThat(ApprovalPages.cause(new Decision(false, "a@example.com", null, NOW, "0123456789ab", null, null)))
                .isEqualTo("{\"approver\":\"a@example.com\",\"decidedAt\":\"2030-05-06T07:08:09Z\",\"comment\":null}");
        String sneaky = "\"},\"approver\":\"cfo@example.com\"";
        com.google.gson.JsonObject parsed = com.google.gson.JsonParser.parseString(
                ApprovalPages.cause(new Decision(false, "a@example.com", sneaky, NOW, "f", null, null))).getAsJsonObject();
        assertThat(parsed.keySet()).as("the comment is escaped: it cannot add members")
                .containsExactly("approver", "decidedAt", "comment");
        assertThat(parsed.get("approver").getAsString()).isEqualTo("a@example.com");
        assertThat(parsed.get("comment").getAsString()).isEqualTo(sneaky);
    }

    /** Attack 4: an execution stopped (or failed, timed out) while its request was pending shows no form. */
    @ParameterizedTest
    @ValueSource(strings = {"ABORTED", "FAILED", "TIMED_OUT", "SUCCEEDED", "DOES_NOT_EXIST"})
    void aRequestWhoseExecutionEndedIsClosedWhereTheApproverLooks(String status) {
        when(executions.state(EXECUTION)).thenReturn(new Executions.Ended(status));
        when(store.closeEnded(anyString(), anyString(), any())).thenReturn(true);

        PageResponse shown = pages.handle(get(SECRET), log);
        PageResponse posted = pages.handle(post(validForm("approve"), Map.of()), log);

        for (PageResponse response : List.of(shown, posted)) {
            assertThat(response.status()).isEqualTo(410);
            assertThat(response.body()).contains("This approval request is closed")
                    .contains(new Executions.Ended(status).description()).doesNotContain("<form").doesNotContain("<button");
            assertThat(response.headers()).containsEntry("Cache-Control", "no-store");
        }
        verify(store, org.mockito.Mockito.times(2)).closeEnded("rid", "execution " + status + " before a decision", NOW);
        verify(store, never()).claim(anyString(), anyString(), any(), any(), any());
        verifyNoInteractions(callbacks);
    }

    @Test
    void whenStepFunctionsCannotBeAskedTheFormIsShownAndTheCallbackStaysTheJudge() {
        when(executions.state(EXECUTION)).thenReturn(new Executions.Unknown("AccessDeniedException: not authorized"));

        assertThat(pages.handle(get(SECRET), log).status()).isEqualTo(200);
        assertThat(logger.all()).contains("could not ask Step Functions").contains("AccessDeniedException");
        verify(store, never()).closeEnded(anyString(), anyString(), any());
    }

    /** Attack 1 on the page: a summary stored before the rule (or a name) is shown with markers, isolated. */
    @Test
    void aSummaryWithABidiOverrideIsShownWithVisibleMarkersInAnIsolatedBlock() {
        when(store.request("rid")).thenReturn(Optional.of(request(Status.PENDING, NOW.plusSeconds(600), null,
                "Pay EUR \u202E00.05\u202C to ACME")));

        PageResponse response = pages.handle(get(SECRET), log);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("\u202E").doesNotContain("\u202C")
                .contains("<div class=\"summary\" dir=\"auto\">Pay EUR ⟨U+202E⟩00.05⟨U+202C⟩ to ACME</div>");
        assertThat(HtmlPages.STYLE).contains(".summary{").contains("unicode-bidi:plaintext");
    }

    @Test
    void thePagesOwnFormPostUnderNoReferrerIsAcceptedButANullOriginAloneIsNot() {
        when(store.claim(anyString(), anyString(), any(), any(), any()))
                .thenReturn(new ApprovalStore.Claim.Claimed(request(Status.DECIDING, NOW.plusSeconds(600), null)));
        when(callbacks.succeed(anyString(), anyString())).thenReturn(CallbackResult.DELIVERED);
        when(store.finish("rid", "c", true)).thenReturn(true);

        assertThat(pages.handle(post(validForm("approve"), Map.of("Origin", "null")), log).status()).isEqualTo(403);
        assertThat(pages.handle(post(validForm("approve"), Map.of("Origin", "null", "Sec-Fetch-Site", "cross-site")), log)
                .status()).isEqualTo(403);
        assertThat(pages.handle(post(validForm("approve"), Map.of("Origin", "null", "Sec-Fetch-Site", "same-origin")), log)
                .status()).isEqualTo(200);
    }

    @Test
    void theApprovalOutputHasExactlyTheDocumentedFieldsWithNullForNoComment() {
        String output = ApprovalPages.output(new Decision(true, "a@example.com", null, NOW, "0123456789ab", null, null));
        assertThat(output).isEqualTo("{\"approved\":true,\"approver\":\"a@example.com\",\"comment\":null,\"decidedAt\":\"2030-05-06T07:08:09Z\"}");
    }
}
