package io.sfncallback.local.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.sfncallback.local.approval.Outbox;
import io.sfncallback.local.json.Json;
import io.sfncallback.local.support.ApprovalStacks;
import io.sfncallback.local.support.Approvals;
import io.sfncallback.local.support.Await;
import io.sfncallback.local.support.CapturingLog;
import io.sfncallback.local.support.SfnClients;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * The human-approval loop end to end without a browser, as any HTTP client can drive it (docs/approval.md, "The form,
 * so any client can drive it"): the real worker jar asks for approval, the state machine's approval task invokes the
 * approval-request handler, the e-mails land in the outbox, and the page handler behind the approval endpoint takes
 * the decision and calls back.
 */
class ApprovalLoopIT {

    @RegisterExtension
    static final ApprovalStacks stacks = new ApprovalStacks();

    private static DescribeExecutionResponse awaitEnd(ApprovalStacks.Running running, String arn) {
        return SfnClients.awaitEnd(running.sfn(), arn, Approvals.WAIT);
    }

    @Test
    void anApprovalWithACommentResumesTheExecutionWithTheDecisionAndTheTokenIsShownNowhere() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String summary = "Order 42: 3 laptops for EUR 4,200 <requested by Sam & Co>";
        String arn = approvals.start(summary);

        // Each approver gets an e-mail of their own, with a link of their own.
        String alice = approvals.linkFromOutboxPage(arn, "alice@example.com");
        String bob = approvals.linkFromOutboxPage(arn, "bob@example.com");
        assertNotEquals(alice, bob);
        Outbox.Message mail = approvals.mail(arn, "alice@example.com");
        assertTrue(mail.subject().startsWith("Approval requested: "), mail.subject());
        assertTrue(mail.body().contains(summary), mail.body());

        List<String> shown = new ArrayList<>();
        HttpResponse<String> page = approvals.get(alice);
        shown.add(page.body());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Order 42: 3 laptops for EUR 4,200 &lt;requested by Sam &amp; Co&gt;"),
                page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().startsWith("default-src 'none'"));
        Instant before = Instant.now();
        HttpResponse<String> decided = approvals.post(alice, Map.of("decision", "approve", "comment", "Fine by me.",
                "csrf", Approvals.formToken(page.body())), Map.of());
        shown.add(decided.body());
        assertEquals(200, decided.statusCode(), decided.body());
        assertTrue(decided.body().contains("You approved the request"), decided.body());

        DescribeExecutionResponse execution = awaitEnd(running, arn);
        assertEquals(ExecutionStatus.SUCCEEDED, execution.status(), execution.error() + " " + execution.cause());
        JsonObject output = Json.parse(execution.output()).getAsJsonObject();
        JsonObject approval = output.getAsJsonObject("approval");
        assertTrue(approval.get("approved").getAsBoolean());
        assertEquals("alice@example.com", approval.get("approver").getAsString());
        assertEquals("Fine by me.", approval.get("comment").getAsString());
        Instant decidedAt = Instant.parse(approval.get("decidedAt").getAsString());
        assertFalse(decidedAt.isBefore(before.minusSeconds(1)), decidedAt + " vs " + before);
        assertEquals(summary, output.getAsJsonObject("result").getAsJsonObject("approvalRequest").get("summary")
                .getAsString());

        // The task token never appears in an e-mail, a URL, a page or a log line.
        String token = approvals.approvalTaskToken(arn);
        shown.add(approvals.get(running.stack().outboxUrl()).body());
        running.stack().approval().outbox().messages().forEach(message -> shown.add(message.body()));
        shown.add(alice);
        shown.add(bob);
        for (String text : shown) {
            assertFalse(text.contains(token), "the task token appears in: " + text);
        }
        for (CapturingLog.Line line : running.log().lines()) {
            assertFalse(line.text().contains(token), "the task token appears in the log: " + line.text());
        }
    }

    /**
     * Issue 18, attack 3: bob's comment says the CFO rejected it; the history must still say bob did. The cause is
     * {@code {"approver", "decidedAt", "comment"}}, readable by a later state with States.StringToJson.
     */
    @Test
    void aRejectionFailsTheExecutionWithApprovalRejectedAndACauseThatNamesTheRealApprover() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Refund of EUR 12,000 to account 99");
        String bob = approvals.linkFromOutboxPage(arn, "bob@example.com");
        Instant before = Instant.now();
        HttpResponse<String> decided = approvals.decide(bob, "reject", "Rejected by cfo@example.com");
        assertEquals(200, decided.statusCode(), decided.body());
        assertTrue(decided.body().contains("You rejected the request"), decided.body());
        DescribeExecutionResponse execution = awaitEnd(running, arn);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Approval.Rejected", execution.error());
        JsonObject cause = Json.parse(execution.cause()).getAsJsonObject();
        assertEquals(List.of("approver", "decidedAt", "comment"), List.copyOf(cause.keySet()), execution.cause());
        assertEquals("bob@example.com", cause.get("approver").getAsString());
        assertEquals("Rejected by cfo@example.com", cause.get("comment").getAsString());
        assertFalse(Instant.parse(cause.get("decidedAt").getAsString()).isBefore(before.minusSeconds(1)));
    }

    /**
     * Issue 18, attack 1: a summary whose right-to-left override shows "50.00" for 00.05 never reaches an approver;
     * the run fails where the summary was made, naming the character and where it is.
     */
    @Test
    void aSummaryThatWouldShowTheApproverSomethingElseNeverReachesOne() {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Pay EUR \u202E00.05\u202C to ACME");
        DescribeExecutionResponse execution = awaitEnd(running, arn);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Demo.InvalidApprovalRequest", execution.error(), execution.cause());
        assertTrue(execution.cause().contains("an approval summary contains U+202E RIGHT-TO-LEFT OVERRIDE"),
                execution.error() + ": " + execution.cause());
        assertTrue(execution.cause().contains("at position 9"), execution.cause());
        String name = Approvals.executionName(arn);
        assertTrue(running.stack().approval().outbox().messages().stream()
                .noneMatch(message -> message.body().contains("Execution: " + name + "\n")));
    }

    /** Issue 18, attack 1 on the comment: refused with 400, the form shown again with what was typed. */
    @Test
    void aCommentWithHiddenCharactersIsRefusedAndTheFormKeepsWhatWasTyped() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Pay EUR 00.05 to ACME");
        String link = approvals.linkFromOutboxPage(arn, "alice@example.com");
        String token = Approvals.formToken(approvals.get(link).body());
        String typed = "Fine: EUR \u202E00.05\u202C";

        HttpResponse<String> refused = approvals.post(link, Map.of("decision", "approve", "comment", typed, "csrf", token),
                Map.of());

        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("The comment contains U+202E RIGHT-TO-LEFT OVERRIDE"), refused.body());
        assertTrue(refused.body().contains(">" + typed + "</textarea>"), refused.body());
        assertEquals(ExecutionStatus.RUNNING, running.sfn().describeExecution(b -> b.executionArn(arn)).status());
        HttpResponse<String> decided = approvals.post(link, Map.of("decision", "approve", "comment", "Fine: EUR 00.05",
                "csrf", Approvals.formToken(refused.body())), Map.of());
        assertEquals(200, decided.statusCode(), decided.body());
        assertEquals(ExecutionStatus.SUCCEEDED, awaitEnd(running, arn).status());
    }

    /** Issue 18, attack 4: a stopped execution's link showed a live form (200); it must say closed, with no form. */
    @Test
    void aStoppedExecutionsLinkAnswers410WithoutAForm() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Wire EUR 9,000 to supplier 12");
        String link = approvals.linkFromOutboxPage(arn, "alice@example.com");
        String token = Approvals.formToken(approvals.get(link).body());
        running.sfn().stopExecution(b -> b.executionArn(arn).error("Ops.Cancelled").cause("duplicate order"));
        assertEquals(ExecutionStatus.ABORTED, awaitEnd(running, arn).status());

        HttpResponse<String> page = approvals.get(link);

        assertEquals(410, page.statusCode(), page.body());
        assertTrue(page.body().contains("This approval request is closed") && page.body().contains("was stopped"),
                page.body());
        assertFalse(page.body().contains("<form") || page.body().contains("<button"), page.body());
        assertEquals(410, approvals.post(link, Map.of("decision", "approve", "csrf", token), Map.of()).statusCode());
        assertEquals(410, approvals.get(approvals.linkFromOutboxPage(arn, "bob@example.com")).statusCode());
    }

    /** Issue 18, attack 5, through the stack: the approval origin's own answers carry the security headers too. */
    @Test
    void everyAnswerOfTheApprovalOriginCarriesTheSecurityHeaders() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        String origin = running.stack().approvalEndpoint();
        // A client (and connection pool) per request: Jetty closes the connection after refusing a request it
        // cannot parse (400, 414), and a pooled client may send the next request on it before it sees the close.
        List<HttpResponse<String>> answers = List.of(
                new Approvals(running).get(origin + "/nothing-here"),
                new Approvals(running).get(origin + "/approvals/" + "A".repeat(43)),
                new Approvals(running).get(origin + "/approvals/%2e%2e%2Fx"),
                new Approvals(running).get(origin + "/approvals/" + "x".repeat(20_000)),
                new Approvals(running).post(origin + "/approvals/" + "A".repeat(43), Map.of("decision", "approve"),
                        Map.of()));
        assertEquals(List.of(404, 404, 400, 414, 404), answers.stream().map(HttpResponse::statusCode).toList());
        for (HttpResponse<String> answer : answers) {
            String policy = answer.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"),
                    answer.statusCode() + " " + answer.headers().map());
            assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElse(null));
            assertEquals("no-referrer", answer.headers().firstValue("Referrer-Policy").orElse(null));
            assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null));
        }
    }

    /**
     * Issue 18, attack 6: the outbox (every approver's live link) and the Step Functions endpoint (task tokens in
     * execution histories) answered a request for rebind.attacker.example; now both refuse it with 421.
     */
    @Test
    void theLocalServersAnswerOnlyTheirOwnHostNames() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        for (String endpoint : List.of(running.stack().approvalEndpoint(), running.stack().sfnEndpoint(),
                running.stack().approval().snsEndpoint())) {
            URI uri = URI.create(endpoint);
            try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET /outbox HTTP/1.1\r\nHost: rebind.attacker.example:" + uri.getPort()
                        + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 421"), endpoint + ": " + answer);
                assertTrue(answer.contains("answers only requests for"), answer);
                assertFalse(answer.contains("/approvals/"), answer);
            }
        }
        assertEquals(200, new Approvals(running).get(running.stack().outboxUrl()).statusCode());
    }

    @Test
    void aSecondDecisionThroughEitherLinkGetsAClear409AndChangesNothing() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Contract renewal with ACME for 2 years");
        String alice = approvals.linkFromOutboxPage(arn, "alice@example.com");
        String bob = approvals.linkFromOutboxPage(arn, "bob@example.com");
        String aliceToken = Approvals.formToken(approvals.get(alice).body());
        String bobToken = Approvals.formToken(approvals.get(bob).body());
        assertEquals(200, approvals.post(alice, Map.of("decision", "approve", "csrf", aliceToken), Map.of()).statusCode());
        assertEquals(ExecutionStatus.SUCCEEDED, awaitEnd(running, arn).status());

        HttpResponse<String> replay = approvals.post(alice, Map.of("decision", "reject", "csrf", aliceToken), Map.of());
        assertEquals(409, replay.statusCode());
        assertTrue(replay.body().contains("already been decided"), replay.body());
        HttpResponse<String> other = approvals.post(bob, Map.of("decision", "reject", "csrf", bobToken), Map.of());
        assertEquals(409, other.statusCode());
        assertTrue(other.body().contains("by another approver"), other.body());
        assertEquals(409, approvals.get(alice).statusCode());
        JsonObject approval = Json.parse(running.sfn().describeExecution(b -> b.executionArn(arn)).output())
                .getAsJsonObject().getAsJsonObject("approval");
        assertEquals("alice@example.com", approval.get("approver").getAsString());
        assertTrue(approval.get("approved").getAsBoolean());
    }

    @Test
    void aTamperedLinkIs404AndTheRealOneStillWorks() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Hire a contractor for 3 months");
        String link = approvals.linkFromOutboxPage(arn, "alice@example.com");
        char last = link.charAt(link.length() - 1);
        String tampered = link.substring(0, link.length() - 1) + (last == 'A' ? 'B' : 'A');
        HttpResponse<String> page = approvals.get(tampered);
        assertEquals(404, page.statusCode());
        assertTrue(page.body().contains("This approval link is not known here"), page.body());
        assertEquals(404, approvals.get(link.substring(0, link.length() - 1)).statusCode());
        assertEquals(404, approvals.post(tampered, Map.of("decision", "approve", "csrf", "x"), Map.of()).statusCode());
        assertEquals(200, approvals.get(link).statusCode());
        assertEquals(ExecutionStatus.RUNNING, running.sfn().describeExecution(b -> b.executionArn(arn)).status());
    }

    @Test
    void openingTheLinkDecidesNothing() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Open a new office in Lisbon");
        String link = approvals.linkFromOutboxPage(arn, "alice@example.com");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, approvals.get(link).statusCode());
        }
        // Each GET was answered after the page handler finished: nothing it did can still be on its way.
        assertEquals(ExecutionStatus.RUNNING, running.sfn().describeExecution(b -> b.executionArn(arn)).status());
        List<HistoryEventType> types = SfnClients.types(running.sfn(), arn);
        assertEquals(HistoryEventType.TASK_SUBMITTED, types.get(types.size() - 1), types.toString());
    }

    @Test
    void aPostFromAnotherOriginOrWithoutTheFormTokenIsRefusedWith403AndDecidesNothing() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Publish the quarterly report");
        String link = approvals.linkFromOutboxPage(arn, "alice@example.com");
        String token = Approvals.formToken(approvals.get(link).body());
        assertEquals(403, approvals.post(link, Map.of("decision", "approve", "csrf", token),
                Map.of("Origin", "http://127.0.0.1:1")).statusCode());
        assertEquals(403, approvals.post(link, Map.of("decision", "approve", "csrf", token),
                Map.of("Sec-Fetch-Site", "cross-site")).statusCode());
        assertEquals(403, approvals.post(link, Map.of("decision", "approve"), Map.of()).statusCode());
        assertEquals(ExecutionStatus.RUNNING, running.sfn().describeExecution(b -> b.executionArn(arn)).status());
        // The page's own origin is accepted.
        assertEquals(200, approvals.post(link, Map.of("decision", "approve", "csrf", token),
                Map.of("Origin", running.stack().approvalEndpoint())).statusCode());
        assertEquals(ExecutionStatus.SUCCEEDED, awaitEnd(running, arn).status());
    }

    /**
     * As the HTTP API's catch-all $default route does on AWS (modules/approval/main.tf): another path or method is the
     * page function's to answer, with the page's security headers: 404 for a path that is no page, 405 with Allow for
     * another method on a page path; never API Gateway's bare {"message":"Not Found"}.
     */
    @Test
    void anyOtherPathOrMethodIsAnsweredByThePageWithItsHeaders() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.TWO_APPROVERS);
        String origin = running.stack().approvalEndpoint();
        String link = origin + "/approvals/" + "A".repeat(43);
        List<String[]> requests = List.of(
                new String[] {"GET", origin + "/approvals", "404"},
                new String[] {"GET", origin + "/favicon.ico", "404"},
                new String[] {"POST", origin + "/approvals/x/y", "404"},
                new String[] {"PUT", link, "405"},
                new String[] {"OPTIONS", link, "405"},
                new String[] {"HEAD", link, "405"},
                new String[] {"DELETE", origin + "/", "404"});
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            for (String[] request : requests) {
                HttpResponse<String> answer = client.send(java.net.http.HttpRequest.newBuilder(URI.create(request[1]))
                        .method(request[0], java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                String what = request[0] + " " + request[1] + ": " + answer.headers().map();
                assertEquals(Integer.parseInt(request[2]), answer.statusCode(), what);
                assertEquals("text/html; charset=utf-8", answer.headers().firstValue("Content-Type").orElse(null), what);
                assertTrue(answer.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"),
                        what);
                assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElse(null), what);
                assertEquals("no-referrer", answer.headers().firstValue("Referrer-Policy").orElse(null), what);
                assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null), what);
                assertEquals(request[2].equals("405") ? "GET, POST" : null, answer.headers().firstValue("Allow").orElse(null),
                        what);
                assertFalse(answer.body().contains("\"message\""), what);
            }
        }
    }

    /** With no approvers (Terraform's default), a run that asks for approval fails at once instead of expiring. */
    @Test
    void withNoApproversARunAskingForApprovalFailsAtOnceWithApprovalNoApprovers() {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.NO_APPROVERS);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Anything at all");
        DescribeExecutionResponse execution = awaitEnd(running, arn);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Approval.NoApprovers", execution.error(), execution.cause());
        assertTrue(Duration.between(execution.startDate(), execution.stopDate()).toSeconds() < 600);
        assertTrue(running.stack().approval().outbox().messages().isEmpty());
    }

    @Test
    void noDecisionWithinTheApprovalTimeoutFailsWithApprovalExpiredAndTheLinkThenSays410() throws Exception {
        ApprovalStacks.Running running = stacks.get(ApprovalStacks.Kind.SHORT_TIMEOUT);
        Approvals approvals = new Approvals(running);
        String arn = approvals.start("Sign the lease before Friday");
        String link = approvals.linkFromOutboxPage(arn, "alice@example.com");
        String token = Approvals.formToken(approvals.get(link).body());
        DescribeExecutionResponse execution = awaitEnd(running, arn);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Approval.Expired", execution.error());
        assertTrue(SfnClients.types(running.sfn(), arn).contains(HistoryEventType.TASK_TIMED_OUT));
        // The request was created a moment after the task started, so its expiry may trail Step Functions' by that.
        HttpResponse<String> page = Await.value(Duration.ofSeconds(30), "the link to show the expired page", () -> {
            try {
                HttpResponse<String> response = approvals.get(link);
                // Before its expiry, the page may already say closed: Step Functions reports the execution failed.
                return response.statusCode() == 410 && response.body().contains("has expired") ? response : null;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(page.body().contains("This approval request has expired"), page.body());
        HttpResponse<String> late = approvals.post(link, Map.of("decision", "approve", "csrf", token), Map.of());
        assertEquals(410, late.statusCode(), late.body());
        assertEquals("Approval.Expired", running.sfn().describeExecution(b -> b.executionArn(arn)).error());
    }
}
