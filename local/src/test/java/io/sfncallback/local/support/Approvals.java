package io.sfncallback.local.support;

import com.google.gson.JsonObject;
import io.sfncallback.local.approval.Outbox;
import io.sfncallback.local.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/** Driving the approval loop of a running stack: starting runs that ask for approval, links, the form, decisions. */
public final class Approvals {

    public static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern FORM_TOKEN = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final ApprovalStacks.Running running;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public Approvals(ApprovalStacks.Running running) {
        this.running = running;
    }

    /** Starts a run of the project's state machine whose processor asks for approval with {@code summary}. */
    public String start(String summary) {
        JsonObject input = new JsonObject();
        input.addProperty("mode", "approval");
        input.addProperty("summary", summary);
        return running.sfn().startExecution(b -> b.stateMachineArn(running.stack().stateMachineArn())
                .input(Json.write(input))).executionArn();
    }

    public static String executionName(String executionArn) {
        return executionArn.substring(executionArn.lastIndexOf(':') + 1);
    }

    /** Waits for the e-mail to {@code approver} about {@code executionArn} in the outbox. */
    public Outbox.Message mail(String executionArn, String approver) {
        String marker = "Execution: " + executionName(executionArn) + "\n";
        return Await.value(WAIT, "the approval e-mail to " + approver + " in the outbox", () -> running.stack()
                .approval().outbox().messages().stream()
                .filter(message -> message.body().contains(marker) && approver.equals(message.approver()))
                .findFirst().orElse(null));
    }

    /** The approval link in {@code executionArn}'s e-mail to {@code approver}, read from the outbox page over HTTP. */
    public String linkFromOutboxPage(String executionArn, String approver) throws Exception {
        mail(executionArn, approver);
        String html = get(running.stack().outboxUrl()).body();
        for (String article : html.split("<article")) {
            if (article.contains("Execution: " + executionName(executionArn) + "\n")
                    && article.contains("<dd class=\"to\">" + approver + "</dd>")) {
                Matcher href = Pattern.compile("<a href=\"(" + Pattern.quote(running.stack().approvalEndpoint())
                        + "/approvals/[A-Za-z0-9_-]{43})\">").matcher(article);
                if (href.find()) {
                    return href.group(1);
                }
            }
        }
        throw new AssertionError("no link for " + approver + " about " + executionArn + " on the outbox page:\n" + html);
    }

    public HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public static String formToken(String page) {
        Matcher matcher = FORM_TOKEN.matcher(page);
        if (!matcher.find()) {
            throw new AssertionError("no form token on the page:\n" + page);
        }
        return matcher.group(1);
    }

    /** POSTs the form as a client without a browser does (no Origin, no Sec-Fetch-Site), with extra headers. */
    public HttpResponse<String> post(String link, Map<String, String> fields, Map<String, String> headers)
            throws Exception {
        String body = fields.entrySet().stream().map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)
                + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(link))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GETs the page, then POSTs {@code decision} with its form token. */
    public HttpResponse<String> decide(String link, String decision, String comment) throws Exception {
        String token = formToken(get(link).body());
        return post(link, comment == null ? Map.of("decision", decision, "csrf", token)
                : Map.of("decision", decision, "comment", comment, "csrf", token), Map.of());
    }

    /** The task token Step Functions gave the approval task (from its TaskScheduled event). */
    public String approvalTaskToken(String executionArn) {
        return Await.value(WAIT, "the approval task to be scheduled", () -> SfnClients.history(running.sfn(),
                executionArn).stream().filter(event -> event.type() == HistoryEventType.TASK_SCHEDULED
                        && "lambda".equals(event.taskScheduledEventDetails().resourceType()))
                .map(HistoryEvent::taskScheduledEventDetails)
                .map(details -> Json.parse(details.parameters()).getAsJsonObject().getAsJsonObject("Payload")
                        .get("TaskToken").getAsString())
                .findFirst().orElse(null));
    }

    /** The access-log lines of the approval endpoint for {@code link}: "METHOD /approvals/{link} STATUS (link fp)". */
    public boolean accessLogged(String method, String link, int status) {
        String line = method + " /approvals/{link} " + status + " (link " + fingerprint(link) + ")";
        return running.log().lines().stream().anyMatch(logged -> logged.text().contains(line));
    }

    /** The first 12 hex characters of the SHA-256 of a link's secret, as the page function logs a link. */
    public static String fingerprint(String link) {
        try {
            String secret = link.substring(link.lastIndexOf('/') + 1);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
