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
    private final CapturingLogger logger = new CapturingLogger();
    private final JsonLog log = new JsonLog(logger, LogLevel.DEBUG, "req-1", Clock.systemUTC());
    private final ApprovalPages pages = new ApprovalPages(store, callbacks, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(40), null);

    static RequestRecord request(Status status, Instant expiresAt, Decision decision) {
        return new RequestRecord("rid", status == Status.PENDING || status == Status.DECIDING ? TOKEN : null, EXECUTION,
                "Buy 3 laptops", List.of("a@example.com"), NOW.minusSeconds(60), expiresAt, status, FORM_KEY,
                Set.of("a@example.com"), status == Status.DECIDING ? "c" : null,
                status == Status.DECIDING ? NOW.plusSeconds(30) : null, decision, null);
    }

    @BeforeEach
    void knownLink() {
        when(store.link(HASH)).thenReturn(Optional.of(new LinkRecord(HASH, "rid", "a@example.com", EXECUTION, NOW, NOW.plusSeconds(600))));
        when(store.request("rid")).thenReturn(Optional.of(request(Status.PENDING, NOW.plusSeconds(600), null)));
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
                    .containsEntry("Referrer-Policy", "same-origin")
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
            "comment=hello", "decision=approve&comment=%C3%28", "decision=approve&comment=%00"})
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
        ApprovalPages local = new ApprovalPages(store, callbacks, Clock.systemUTC(), Duration.ofSeconds(40), "http://127.0.0.1:8085");
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

    @Test
    void theApprovalOutputHasExactlyTheDocumentedFieldsWithNullForNoComment() {
        String output = ApprovalPages.output(new Decision(true, "a@example.com", null, NOW, "0123456789ab", null, null));
        assertThat(output).isEqualTo("{\"approved\":true,\"approver\":\"a@example.com\",\"comment\":null,\"decidedAt\":\"2030-05-06T07:08:09Z\"}");
    }
}
