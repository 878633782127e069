package io.sfncallback.approval;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.testkit.DynamoDbLocal;
import io.sfncallback.testkit.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole approval loop in this JVM, with the handlers built from environment variables exactly
 * as Lambda builds them: DynamoDB Local as the store, WireMock as SNS (query protocol) and as Step
 * Functions (JSON 1.0). Request → the e-mails SNS was asked to send → the link in one → GET page →
 * POST from its form → the SendTaskSuccess / SendTaskFailure on the wire.
 */
class ApprovalFlowIntegrationTest {

    @RegisterExtension
    static WireMockExtension sns = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @RegisterExtension
    static WireMockExtension stepFunctions = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    static final String DOMAIN = "abc123.execute-api.eu-west-1.amazonaws.com";
    static final String BASE_URL = "https://" + DOMAIN;
    static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:sfn-callback-approvals";
    static final String EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:sfn-callback-callback:order-42";
    static final Pattern LINK = Pattern.compile(Pattern.quote(BASE_URL) + "/approvals/([A-Za-z0-9_-]{43})");
    static final Pattern FORM_TOKEN = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private static DynamoDbLocal dynamo;

    private final String token = "AQCEAAAAKgAAAAMAAAAAAAAAA" + UUID.randomUUID() + "+secret/token=";
    private final CapturingLogger logs = new CapturingLogger();
    private final List<String> everythingShown = new ArrayList<>();
    private Map<String, String> env;

    @BeforeAll
    static void startDynamoDbLocal() throws Exception {
        dynamo = DynamoDbLocal.start();
    }

    @AfterAll
    static void stopDynamoDbLocal() throws Exception {
        dynamo.close();
    }

    @BeforeEach
    void setUp() {
        String table = "approvals-" + UUID.randomUUID();
        dynamo.createApprovalsTable(table);
        env = new HashMap<>(Map.of(
                "APPROVALS_TABLE", table,
                "APPROVAL_TOPIC_ARN", TOPIC,
                "APPROVER_EMAILS", "[\"alice@example.com\", \"bob@example.com\"]",
                "APPROVAL_BASE_URL", BASE_URL,
                "APPROVAL_TIMEOUT_SECONDS", "3600",
                "AWS_REGION", "eu-west-1",
                "AWS_MAX_ATTEMPTS", "1",
                "AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString(),
                "AWS_ENDPOINT_URL_SNS", sns.baseUrl(),
                "AWS_ENDPOINT_URL_SFN", stepFunctions.baseUrl()));
        sns.stubFor(WireMock.post(urlEqualTo("/")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                .withBody("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
                        + "<MessageId>" + UUID.randomUUID() + "</MessageId></PublishResult>"
                        + "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>")));
        answerStepFunctions(200, "{}");
        describeExecutionAs("RUNNING");
    }

    /** The one request item of this test's table, as DynamoDB holds it. */
    private Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> requestItem() {
        try (var client = dynamo.client()) {
            return client.scan(r -> r.tableName(env.get("APPROVALS_TABLE"))).items().stream()
                    .filter(item -> item.get("pk").s().startsWith("request#")).findFirst().orElseThrow();
        }
    }

    /** DescribeExecution, which the page asks before it shows a form, answers {@code status}. */
    private static void describeExecutionAs(String status) {
        stepFunctions.stubFor(WireMock.post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSStepFunctions.DescribeExecution")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("{\"executionArn\":\"" + EXECUTION + "\",\"stateMachineArn\":\"arn:aws:states:eu-west-1:"
                                + "123456789012:stateMachine:sfn-callback-callback\",\"status\":\"" + status
                                + "\",\"startDate\":1.7E9}")));
    }

    private static void answerStepFunctions(int status, String body) {
        stepFunctions.stubFor(WireMock.post(urlEqualTo("/")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.0").withBody(body)));
    }

    // --- driving the handlers ---------------------------------------------------------------

    private JsonObject requestApproval(String summary) throws IOException {
        JsonObject request = new JsonObject();
        request.addProperty("summary", summary);
        JsonObject payload = new JsonObject();
        payload.addProperty("TaskToken", token);
        payload.addProperty("ExecutionArn", EXECUTION);
        payload.add("Request", request);
        return invokeRequestHandler(new ApprovalRequestHandler(env), payload.toString());
    }

    private JsonObject invokeRequestHandler(ApprovalRequestHandler handler, String payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, TestContext.relaxed(logs));
        String response = out.toString(StandardCharsets.UTF_8);
        everythingShown.add(response);
        return JsonParser.parseString(response).getAsJsonObject();
    }

    /** The messages SNS was asked to publish: approver attribute → decoded form fields. */
    private List<Map<String, String>> published() {
        List<Map<String, String>> messages = new ArrayList<>();
        for (LoggedRequest request : sns.findAll(postRequestedFor(urlEqualTo("/")))) {
            Map<String, String> fields = new HashMap<>();
            for (String pair : request.getBodyAsString().split("&")) {
                String[] kv = pair.split("=", 2);
                fields.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
            if ("Publish".equals(fields.get("Action"))) {
                messages.add(fields);
                everythingShown.add(request.getBodyAsString());
                everythingShown.add(fields.get("Message"));
            }
        }
        return messages;
    }

    private String linkOf(String approver) {
        List<String> links = published().stream()
                .filter(m -> approver.equals(m.get("MessageAttributes.entry.1.Value.StringValue")))
                .map(m -> {
                    Matcher matcher = LINK.matcher(m.get("Message"));
                    assertThat(matcher.find()).as("the e-mail holds a link").isTrue();
                    return matcher.group(1);
                }).toList();
        assertThat(links).as("one e-mail for " + approver).hasSize(1);
        return links.get(0);
    }

    private APIGatewayV2HTTPResponse get(String link) {
        return page("GET", link, null, Map.of());
    }

    private APIGatewayV2HTTPResponse postForm(String link, String body, Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("content-type", "application/x-www-form-urlencoded");
        return page("POST", link, body, all);
    }

    /** A POST as a browser sends it from the page. */
    private APIGatewayV2HTTPResponse decideInBrowser(String link, String formToken, String decision, String comment) {
        String body = "csrf=" + enc(formToken) + "&decision=" + decision + (comment == null ? "" : "&comment=" + enc(comment));
        return postForm(link, body, Map.of("origin", BASE_URL, "sec-fetch-site", "same-origin"));
    }

    private APIGatewayV2HTTPResponse page(String method, String link, String body, Map<String, String> headers) {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " /approvals/{link}")
                .withRawPath("/approvals/" + link)
                .withPathParameters(Map.of("link", link))
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withDomainName(DOMAIN)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method).withPath("/approvals/" + link).withProtocol("HTTP/1.1")
                                .withSourceIp("198.51.100.7").withUserAgent("Mozilla/5.0 (test)").build())
                        .build())
                .build();
        APIGatewayV2HTTPResponse response = new ApprovalPageHandler(env).handleRequest(event, TestContext.relaxed(logs));
        everythingShown.add(response.getBody());
        everythingShown.add(response.getHeaders().toString());
        return response;
    }

    private static String formTokenOf(APIGatewayV2HTTPResponse page) {
        Matcher matcher = FORM_TOKEN.matcher(page.getBody());
        assertThat(matcher.find()).as("the page has the form token").isTrue();
        return matcher.group(1);
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private List<JsonObject> callbacks(String operation) {
        return stepFunctions.findAll(postRequestedFor(urlEqualTo("/"))
                        .withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + operation))).stream()
                .map(r -> JsonParser.parseString(r.getBodyAsString()).getAsJsonObject()).toList();
    }

    private void assertTokenNeverShown() {
        published();
        assertThat(everythingShown).isNotEmpty().noneMatch(text -> text != null && text.contains(token));
        assertThat(logs.all()).isNotEmpty().doesNotContain(token);
        String encoded = enc(token);
        assertThat(everythingShown).noneMatch(text -> text != null && text.contains(encoded));
    }

    // --- the flow -----------------------------------------------------------------------------

    @Test
    void anApproverApprovesFromTheLinkInTheirEmail() throws IOException {
        JsonObject requested = requestApproval("Order 42: 3 laptops for EUR 4,200");

        assertThat(requested.get("outcome").getAsString()).isEqualTo("SENT");
        assertThat(requested.get("sent").getAsInt()).isEqualTo(2);
        List<Map<String, String>> mails = published();
        assertThat(mails).extracting(m -> m.get("TopicArn")).containsOnly(TOPIC);
        assertThat(mails).extracting(m -> m.get("MessageAttributes.entry.1.Name")).containsOnly("approver");
        assertThat(mails).extracting(m -> m.get("MessageAttributes.entry.1.Value.DataType")).containsOnly("String");
        assertThat(mails).extracting(m -> m.get("MessageAttributes.entry.1.Value.StringValue"))
                .containsExactlyInAnyOrder("alice@example.com", "bob@example.com");
        assertThat(mails).allSatisfy(m -> assertThat(m.get("Message")).contains("Order 42: 3 laptops for EUR 4,200").contains("order-42"));
        assertThat(mails).extracting(m -> m.get("Subject")).containsOnly("Approval requested: Order 42: 3 laptops for EUR 4,200");
        String alice = linkOf("alice@example.com");
        assertThat(alice).isNotEqualTo(linkOf("bob@example.com"));

        APIGatewayV2HTTPResponse shown = get(alice);
        assertThat(shown.getStatusCode()).isEqualTo(200);
        assertThat(shown.getBody()).contains("Order 42: 3 laptops for EUR 4,200").contains("alice@example.com").contains("order-42")
                .contains("<form method=\"post\">").contains("name=\"decision\" value=\"approve\"")
                .contains("name=\"decision\" value=\"reject\"").contains("name=\"comment\"");
        assertThat(callbacks("SendTaskSuccess")).as("a GET never decides").isEmpty();

        Instant before = Instant.now();
        APIGatewayV2HTTPResponse decided = decideInBrowser(alice, formTokenOf(shown), "approve", "Looks good <b>to me</b>");

        assertThat(decided.getStatusCode()).isEqualTo(200);
        assertThat(decided.getBody()).contains("You approved the request").contains("Looks good &lt;b&gt;to me&lt;/b&gt;");
        List<JsonObject> successes = callbacks("SendTaskSuccess");
        assertThat(successes).hasSize(1);
        assertThat(successes.get(0).get("taskToken").getAsString()).isEqualTo(token);
        JsonObject output = JsonParser.parseString(successes.get(0).get("output").getAsString()).getAsJsonObject();
        assertThat(output.keySet()).containsExactlyInAnyOrder("approved", "approver", "comment", "decidedAt");
        assertThat(output.get("approved").getAsBoolean()).isTrue();
        assertThat(output.get("approver").getAsString()).isEqualTo("alice@example.com");
        assertThat(output.get("comment").getAsString()).isEqualTo("Looks good <b>to me</b>");
        assertThat(Instant.parse(output.get("decidedAt").getAsString())).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(logs.withMessage("approval decided")).singleElement().satisfies(line -> {
            assertThat(line.get("approver").getAsString()).isEqualTo("alice@example.com");
            assertThat(line.get("sourceIp").getAsString()).isEqualTo("198.51.100.7");
            assertThat(line.get("userAgent").getAsString()).isEqualTo("Mozilla/5.0 (test)");
            assertThat(line.get("link").getAsString()).hasSize(12);
            assertThat(line.get("executionArn").getAsString()).isEqualTo(EXECUTION);
        });

        assertThat(decideInBrowser(alice, formTokenOf(shown), "approve", null).getStatusCode()).as("a replay").isEqualTo(409);
        APIGatewayV2HTTPResponse bobLate = get(linkOf("bob@example.com"));
        assertThat(bobLate.getStatusCode()).as("the other approver's link, after the decision").isEqualTo(409);
        assertThat(bobLate.getBody()).contains("already been decided").contains("by another approver");
        assertThat(get(alice).getBody()).contains("by you");
        assertThat(callbacks("SendTaskSuccess")).as("one decision only").hasSize(1);
        assertTokenNeverShown();
    }

    @Test
    void aRejectionWithoutACommentFailsTheTaskWithAClearSentence() throws IOException {
        requestApproval("Refund EUR 90 to customer 7");
        String bob = linkOf("bob@example.com");

        APIGatewayV2HTTPResponse decided = decideInBrowser(bob, formTokenOf(get(bob)), "reject", "   ");

        assertThat(decided.getStatusCode()).isEqualTo(200);
        assertThat(callbacks("SendTaskSuccess")).isEmpty();
        List<JsonObject> failures = callbacks("SendTaskFailure");
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.get("taskToken").getAsString()).isEqualTo(token);
            assertThat(f.get("error").getAsString()).isEqualTo("Approval.Rejected");
            JsonObject cause = JsonParser.parseString(f.get("cause").getAsString()).getAsJsonObject();
            assertThat(cause.get("approver").getAsString()).isEqualTo("bob@example.com");
            assertThat(cause.get("decidedAt").getAsString()).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z");
            assertThat(cause.get("comment").isJsonNull()).isTrue();
        });
        assertTokenNeverShown();
    }

    @Test
    void aRejectionsCauseNamesTheApproverAndTheCommentIsOnlyTheComment() throws IOException {
        requestApproval("Refund EUR 90 to customer 7");
        String bob = linkOf("bob@example.com");

        // Issue 18, attack 3: bob's comment pretends that the CFO decided.
        decideInBrowser(bob, formTokenOf(get(bob)), "reject", "Rejected by cfo@example.com");

        assertThat(callbacks("SendTaskFailure")).singleElement().satisfies(f -> {
            JsonObject cause = JsonParser.parseString(f.get("cause").getAsString()).getAsJsonObject();
            assertThat(cause.keySet()).containsExactly("approver", "decidedAt", "comment");
            assertThat(cause.get("approver").getAsString()).isEqualTo("bob@example.com");
            assertThat(cause.get("comment").getAsString()).isEqualTo("Rejected by cfo@example.com");
        });
    }

    /**
     * Issue 18, attack 1 at the approval task: a summary whose right-to-left override would show the approver
     * "EUR 50.00" for 00.05 fails the task with Approval.InvalidRequest, naming the character; no e-mail goes out.
     */
    @Test
    void aSummaryThatWouldShowTheApproverSomethingElseIsRefusedAndNoMailGoesOut() throws IOException {
        JsonObject requested = requestApproval("Pay EUR \u202E00.05\u202C to ACME");

        assertThat(requested.get("outcome").getAsString()).isEqualTo("INVALID_REQUEST");
        assertThat(published()).isEmpty();
        assertThat(callbacks("SendTaskFailure")).singleElement().satisfies(f -> {
            assertThat(f.get("error").getAsString()).isEqualTo("Approval.InvalidRequest");
            assertThat(f.get("cause").getAsString())
                    .startsWith("The approval request's summary contains U+202E RIGHT-TO-LEFT OVERRIDE")
                    .contains("at position 9");
        });
    }

    /** Issue 18, attack 4: the execution was stopped while the request waited; the link shows no form. */
    @Test
    void aStoppedExecutionsLinkAnswersGoneWithoutAFormAndTheRequestForgetsItsToken() throws IOException {
        requestApproval("Deploy build 1.2.3 to production");
        String alice = linkOf("alice@example.com");
        describeExecutionAs("ABORTED");

        APIGatewayV2HTTPResponse shown = get(alice);

        assertThat(shown.getStatusCode()).isEqualTo(410);
        assertThat(shown.getBody()).contains("was stopped").doesNotContain("<form").doesNotContain("<button");
        assertThat(callbacks("SendTaskSuccess")).isEmpty();
        assertThat(callbacks("SendTaskFailure")).isEmpty();
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = requestItem();
        assertThat(item.get("status").s()).isEqualTo("CLOSED");
        assertThat(item.get("closedReason").s()).isEqualTo("execution ABORTED before a decision");
        assertThat(item).doesNotContainKey("taskToken");
        assertThat(get(linkOf("bob@example.com")).getStatusCode()).as("every link of the request").isEqualTo(410);
    }

    @Test
    void aClientWithoutBrowserHeadersCanDriveTheFormWithItsToken() throws IOException {
        requestApproval("Deploy build 1.2.3 to production");
        String alice = linkOf("alice@example.com");
        String formToken = formTokenOf(get(alice));

        APIGatewayV2HTTPResponse withoutToken = postForm(alice, "decision=approve", Map.of());
        assertThat(withoutToken.getStatusCode()).as("no token: refused").isEqualTo(403);
        APIGatewayV2HTTPResponse withToken = postForm(alice, "decision=approve&csrf=" + enc(formToken), Map.of());
        assertThat(withToken.getStatusCode()).as("like curl: no Origin, no Sec-Fetch-Site, the page's token").isEqualTo(200);
        assertThat(callbacks("SendTaskSuccess")).hasSize(1);
    }

    @Test
    void aCrossSitePostIsRefusedAndDecidesNothing() throws IOException {
        requestApproval("Deploy build 1.2.3 to production");
        String alice = linkOf("alice@example.com");
        String formToken = formTokenOf(get(alice));
        String body = "csrf=" + enc(formToken) + "&decision=approve";

        assertThat(postForm(alice, body, Map.of("origin", "https://evil.example", "sec-fetch-site", "cross-site")).getStatusCode())
                .isEqualTo(403);
        assertThat(postForm(alice, body, Map.of("origin", "https://evil.example")).getStatusCode()).isEqualTo(403);
        assertThat(postForm(alice, body, Map.of("sec-fetch-site", "same-site")).getStatusCode()).isEqualTo(403);
        assertThat(postForm(alice, body, Map.of("origin", "null")).getStatusCode()).isEqualTo(403);
        assertThat(postForm(alice, "decision=approve", Map.of("origin", BASE_URL, "sec-fetch-site", "same-origin")).getStatusCode())
                .as("same origin but no form token").isEqualTo(403);
        assertThat(postForm(alice, "csrf=" + enc(formTokenOf(get(linkOf("bob@example.com")))) + "&decision=approve", Map.of()).getStatusCode())
                .as("another link's token").isEqualTo(403);

        assertThat(callbacks("SendTaskSuccess")).isEmpty();
        assertThat(get(alice).getStatusCode()).as("still open").isEqualTo(200);
    }

    @Test
    void tamperedAndUnknownLinksAreNotFound() throws IOException {
        requestApproval("Deploy build 1.2.3 to production");
        String alice = linkOf("alice@example.com");
        String tampered = (alice.charAt(0) == 'A' ? "B" : "A") + alice.substring(1);

        assertThat(get(tampered).getStatusCode()).isEqualTo(404);
        assertThat(get(alice.substring(1)).getStatusCode()).isEqualTo(404);
        assertThat(get(alice + "x").getStatusCode()).isEqualTo(404);
        assertThat(get(token.replace('/', '_').replace('+', '-').replace("=", "")).getStatusCode()).isEqualTo(404);
        assertThat(postForm(tampered, "decision=approve", Map.of()).getStatusCode()).isEqualTo(404);
        assertThat(callbacks("SendTaskSuccess")).isEmpty();
    }

    @Test
    void aSummaryWithHtmlIsShownAsText() throws IOException {
        requestApproval("<script>alert('x')</script> & \"quotes\" <img src=x onerror=alert(1)>");

        String body = get(linkOf("alice@example.com")).getBody();

        assertThat(body).doesNotContain("<script>").doesNotContain("<img")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quotes&#34; &lt;img src=x onerror=alert(1)&gt;");
    }

    @Test
    void aTaskThatHasClosedGetsAGonePage() throws IOException {
        requestApproval("Deploy build 1.2.3 to production");
        String alice = linkOf("alice@example.com");
        String formToken = formTokenOf(get(alice));
        answerStepFunctions(400, "{\"__type\":\"TaskTimedOut\",\"message\":\"Task Timed Out\"}");

        APIGatewayV2HTTPResponse decided = decideInBrowser(alice, formToken, "approve", null);

        assertThat(decided.getStatusCode()).isEqualTo(410);
        assertThat(decided.getBody()).contains("closed");
        assertThat(get(alice).getStatusCode()).isEqualTo(410);
        assertThat(get(linkOf("bob@example.com")).getStatusCode()).isEqualTo(410);
    }

    @Test
    void aTokenStepFunctionsNeverIssuedClosesTheRequestInsteadOfLeavingItDecided() throws IOException {
        requestApproval("Deploy build 1.2.3 to production");
        String alice = linkOf("alice@example.com");
        String formToken = formTokenOf(get(alice));
        // InvalidToken: the function calls another region or account than the one that issued the token.
        answerStepFunctions(400, "{\"__type\":\"InvalidToken\",\"message\":\"Invalid Token: 'Invalid token'\"}");

        APIGatewayV2HTTPResponse decided = decideInBrowser(alice, formToken, "approve", null);

        assertThat(decided.getStatusCode()).isEqualTo(410);
        assertThat(decided.getBody()).contains("closed").doesNotContain("Exception");
        assertThat(get(linkOf("bob@example.com")).getStatusCode()).isEqualTo(410);
    }

    @Test
    void whenStepFunctionsIsUnavailableNothingIsDecidedAndTheApproverCanRetry() throws IOException {
        requestApproval("Deploy build 1.2.3 to production");
        String alice = linkOf("alice@example.com");
        String formToken = formTokenOf(get(alice));
        answerStepFunctions(500, "{\"__type\":\"InternalFailure\",\"message\":\"boom\"}");

        APIGatewayV2HTTPResponse failed = decideInBrowser(alice, formToken, "approve", null);

        assertThat(failed.getStatusCode()).isEqualTo(503);
        assertThat(failed.getHeaders()).containsEntry("Retry-After", "30");
        assertThat(failed.getBody()).contains("nothing was recorded").doesNotContain("Exception").doesNotContain("boom");
        assertThat(get(alice).getStatusCode()).as("pending again, not left 'decided'").isEqualTo(200);

        answerStepFunctions(200, "{}");
        assertThat(decideInBrowser(alice, formToken, "approve", null).getStatusCode()).isEqualTo(200);
        assertThat(callbacks("SendTaskSuccess")).hasSize(2);
    }

    @Test
    void aRetriedRequestSendsOnlyTheEmailsThatDidNotGoOut() throws IOException {
        sns.stubFor(WireMock.post(urlEqualTo("/")).withRequestBody(containing(enc("bob@example.com")))
                .inScenario("bob").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "text/xml")
                        .withBody("<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>down</Message></Error></ErrorResponse>"))
                .willSetStateTo("up"));

        assertThatThrownBy(() -> requestApproval("Deploy build 1.2.3 to production"))
                .as("the invocation fails so that the state's Retry applies")
                .isInstanceOf(ApprovalUnavailableException.class)
                .hasMessageNotContaining(token);
        assertThat(published()).as("alice's went out before bob's failed").hasSize(2);

        JsonObject retried = requestApproval("Deploy build 1.2.3 to production");

        assertThat(retried.get("outcome").getAsString()).isEqualTo("SENT");
        assertThat(retried.get("sent").getAsInt()).as("only bob's, again").isEqualTo(1);
        assertThat(published()).extracting(m -> m.get("MessageAttributes.entry.1.Value.StringValue"))
                .containsExactlyInAnyOrder("alice@example.com", "bob@example.com", "bob@example.com");

        JsonObject again = requestApproval("Deploy build 1.2.3 to production");
        assertThat(again.get("outcome").getAsString()).isEqualTo("ALREADY_SENT");
        assertThat(again.get("sent").getAsInt()).isZero();
        assertThat(published()).hasSize(3);
        String bob = published().stream().filter(m -> "bob@example.com".equals(m.get("MessageAttributes.entry.1.Value.StringValue")))
                .reduce((a, b) -> b).map(m -> { Matcher mm = LINK.matcher(m.get("Message")); mm.find(); return mm.group(1); }).orElseThrow();
        assertThat(get(bob).getStatusCode()).as("the link that did go out works").isEqualTo(200);
        assertTokenNeverShown();
    }

    @Test
    void withNoApproversTheTaskFailsAtOnce() throws IOException {
        env.put("APPROVER_EMAILS", "[]");

        JsonObject outcome = requestApproval("Deploy build 1.2.3 to production");

        assertThat(outcome.get("outcome").getAsString()).isEqualTo("NO_APPROVERS");
        assertThat(published()).isEmpty();
        assertThat(callbacks("SendTaskFailure")).singleElement().satisfies(f -> {
            assertThat(f.get("taskToken").getAsString()).isEqualTo(token);
            assertThat(f.get("error").getAsString()).isEqualTo("Approval.NoApprovers");
            assertThat(f.get("cause").getAsString()).contains("No approvers are configured");
        });
        assertTokenNeverShown();
    }

    @Test
    void anInvalidRequestFailsTheTaskAtOnce() throws IOException {
        JsonObject outcome = requestApproval(" ");

        assertThat(outcome.get("outcome").getAsString()).isEqualTo("INVALID_REQUEST");
        assertThat(published()).isEmpty();
        assertThat(callbacks("SendTaskFailure")).singleElement().satisfies(f -> {
            assertThat(f.get("error").getAsString()).isEqualTo("Approval.InvalidRequest");
            assertThat(f.get("cause").getAsString()).contains("summary is blank");
        });
    }
}
