package io.sfncallback.local.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.sfncallback.local.http.LocalHttp;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The approval endpoint in front of a stand-in page function: every request reaches the function, through its page
 * route or the catch-all {@code $default}, as events of payload format 2.0; its response comes back as it is; requests are bounded; nothing answers with a stack trace.
 */
class ApprovalHttpServerTest {

    private static final String LINK = "r1YBYjnf2sPy1mKSQujFnDQwnf-0SKtDABpZ2T0a-mU";
    private static final LocalHttp.Limits LIMITS = new LocalHttp.Limits(64 * 1024, Duration.ofSeconds(1),
            Duration.ofSeconds(5), 16, 4);

    private final List<JsonObject> events = new CopyOnWriteArrayList<>();
    private final List<String> accessLog = new CopyOnWriteArrayList<>();
    private final Outbox outbox = new Outbox();
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile ApprovalHttpServer.PageFunction function;
    private ApprovalHttpServer server;

    @BeforeEach
    void start() throws Exception {
        function = event -> {
            JsonObject response = new JsonObject();
            response.addProperty("statusCode", 418);
            JsonObject headers = new JsonObject();
            headers.addProperty("Content-Type", "text/plain; charset=utf-8");
            headers.addProperty("X-Frame-Options", "DENY");
            response.add("headers", headers);
            JsonArray cookies = new JsonArray();
            cookies.add("seen=1; HttpOnly");
            response.add("cookies", cookies);
            response.addProperty("body", Base64.getEncoder().encodeToString("short and stout é".getBytes(StandardCharsets.UTF_8)));
            response.addProperty("isBase64Encoded", true);
            return response;
        };
        server = ApprovalHttpServer.start("127.0.0.1", 0, LIMITS, outbox, "arn:aws:sns:us-east-1:123456789012:approvals",
                "123456789012", Clock.systemUTC(), accessLog::add);
        server.route(event -> {
            events.add(event);
            return function.handle(event);
        });
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder to(String path) {
        return HttpRequest.newBuilder(URI.create(server.endpoint() + path));
    }

    @Test
    void aGetOfALinkReachesTheFunctionAndItsResponseComesBackAsItIs() throws Exception {
        HttpResponse<String> response = send(to("/approvals/" + LINK).header("User-Agent", "test-agent"));
        assertEquals(418, response.statusCode());
        assertEquals("short and stout é", response.body());
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElseThrow());
        assertEquals("seen=1; HttpOnly", response.headers().firstValue("Set-Cookie").orElseThrow());
        JsonObject event = events.get(0);
        assertEquals("GET /approvals/{link}", event.get("routeKey").getAsString());
        assertEquals(LINK, event.getAsJsonObject("pathParameters").get("link").getAsString());
        assertEquals("test-agent", event.getAsJsonObject("requestContext").getAsJsonObject("http").get("userAgent")
                .getAsString());
        assertEquals(server.endpoint().substring("http://".length()),
                event.getAsJsonObject("requestContext").get("domainName").getAsString());
    }

    @Test
    void aFormPostReachesTheFunctionBase64Encoded() throws Exception {
        send(to("/approvals/" + LINK).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://evil.test").POST(HttpRequest.BodyPublishers.ofString("decision=reject&comment=no")));
        JsonObject event = events.get(0);
        assertEquals("POST /approvals/{link}", event.get("routeKey").getAsString());
        assertTrue(event.get("isBase64Encoded").getAsBoolean());
        assertEquals("decision=reject&comment=no", new String(Base64.getDecoder().decode(event.get("body").getAsString()),
                StandardCharsets.UTF_8));
        assertEquals("http://evil.test", event.getAsJsonObject("headers").get("origin").getAsString());
    }

    /**
     * As on AWS (modules/approval/main.tf): every request that matches neither page route reaches the function
     * through the catch-all, with route key {@code $default}, its raw path and no path parameters, so that the page
     * answers it with its own headers; the access log names the route key, never the path.
     */
    @Test
    void everyOtherRequestReachesTheFunctionThroughTheCatchAll() throws Exception {
        List<String[]> sent = List.of(
                new String[] {"PUT", "/approvals/" + LINK},
                new String[] {"DELETE", "/approvals/" + LINK},
                new String[] {"OPTIONS", "/approvals/" + LINK},
                new String[] {"HEAD", "/approvals/" + LINK},
                new String[] {"GET", "/approvals/" + LINK + "/more"},
                new String[] {"POST", "/approvals/"},
                new String[] {"GET", "/approvals"},
                new String[] {"GET", "/favicon.ico"},
                new String[] {"PATCH", "/"},
                new String[] {"GET", "/%E2%82%AC/x?y=1"});
        for (String[] request : sent) {
            HttpResponse<String> response = send(to(request[1]).method(request[0], HttpRequest.BodyPublishers.noBody()));
            assertEquals(418, response.statusCode(), request[0] + " " + request[1]);
            assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElseThrow());
        }
        assertEquals(sent.size(), events.size());
        for (int i = 0; i < sent.size(); i++) {
            JsonObject event = events.get(i);
            String rawPath = sent.get(i)[1].split("\\?")[0];
            assertEquals("$default", event.get("routeKey").getAsString());
            assertEquals("$default", event.getAsJsonObject("requestContext").get("routeKey").getAsString());
            assertEquals(sent.get(i)[0], event.getAsJsonObject("requestContext").getAsJsonObject("http").get("method")
                    .getAsString());
            assertEquals(rawPath, event.get("rawPath").getAsString());
            assertFalse(event.has("pathParameters"), event.toString());
        }
        assertEquals("y=1", events.get(sent.size() - 1).get("rawQueryString").getAsString());
        assertEquals(sent.size(), accessLog.stream().filter(line -> line.startsWith("$default 418 ")).count(),
                accessLog.toString());
        assertTrue(accessLog.stream().noneMatch(line -> line.contains(LINK) || line.contains("favicon")),
                "the path is never logged: " + accessLog);
    }

    @Test
    void theCatchAllWaitsForTheFunctionLikeThePageRoutes() throws Exception {
        ApprovalHttpServer unrouted = ApprovalHttpServer.start("127.0.0.1", 0, LIMITS, outbox,
                "arn:aws:sns:us-east-1:123456789012:approvals", "123456789012", Clock.systemUTC(), accessLog::add);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(unrouted.endpoint() + "/favicon.ico"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, response.statusCode());
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
        } finally {
            unrouted.close();
        }
    }

    @Test
    void theOutboxIsServedAndTheRootLeadsToIt() throws Exception {
        outbox.add(new Outbox.Message("m-1", "arn:aws:sns:us-east-1:123456789012:approvals", "Approval requested",
                "Open http://127.0.0.1:1/approvals/" + LINK, Map.of("approver", "alice@example.com"), Instant.now()));
        HttpResponse<String> page = send(to("/outbox"));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<a href=\"http://127.0.0.1:1/approvals/" + LINK + "\">"), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().startsWith("default-src 'none'"));
        HttpResponse<String> root = send(to("/"));
        assertEquals(303, root.statusCode());
        assertEquals("/outbox", root.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void aFunctionFailureIsAPlain500WithoutItsStackTrace() throws Exception {
        function = event -> {
            throw new IllegalStateException("boom inside the handler");
        };
        HttpResponse<String> response = send(to("/approvals/" + LINK));
        assertEquals(500, response.statusCode());
        assertEquals("{\"message\":\"Internal Server Error\"}", response.body());
        assertTrue(accessLog.stream().anyMatch(line -> line.contains("boom inside the handler")), accessLog.toString());
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsReadOrTheFunctionCalled() throws Exception {
        try (Socket client = new Socket("127.0.0.1", URI.create(server.endpoint()).getPort())) {
            client.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            out.write(("POST /approvals/" + LINK + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                    + "application/x-www-form-urlencoded\r\nContent-Length: 300000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.endsWith("{\"message\":\"Request Entity Too Large\"}"), answer);
        }
        assertTrue(events.isEmpty());
    }

    /** A raw request (the Host header and malformed request lines are out of HttpClient's reach); the whole answer. */
    private String raw(String requestHead) throws Exception {
        try (Socket client = new Socket("127.0.0.1", URI.create(server.endpoint()).getPort())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write((requestHead + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            try {
                return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.net.SocketException e) {
                return "";
            }
        }
    }

    private static void assertHardened(String answer) {
        String head = answer.toLowerCase(java.util.Locale.ROOT);
        String policy = head.lines().filter(line -> line.startsWith("content-security-policy: ")).findFirst().orElse("");
        assertTrue(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"), answer);
        assertTrue(head.contains("\r\nx-content-type-options: nosniff\r\n"), answer);
        assertTrue(head.contains("\r\nreferrer-policy: no-referrer\r\n"), answer);
        assertTrue(head.contains("\r\ncache-control: no-store\r\n"), answer);
        assertTrue(head.contains("\r\nx-frame-options: deny\r\n"), answer);
        assertFalse(answer.contains("\tat "), answer);
    }

    /** Issue 18, attack 5: the endpoint's own answers had no Content-Security-Policy, nosniff or framing ban. */
    @Test
    void everyAnswerOfTheEndpointItselfCarriesTheSecurityHeaders() throws Exception {
        String host = "Host: 127.0.0.1\r\n";
        // Another path or method is the page function's to answer (the catch-all): see the test above.
        List<String> answers = List.of(
                raw("GET /approvals/a%2Fb HTTP/1.1\r\n" + host),                      // ambiguous path: 400
                raw("GET /approvals/" + "x".repeat(20_000) + " HTTP/1.1\r\n" + host), // URL too long: 414
                raw("POST /approvals/" + LINK + " HTTP/1.1\r\n" + host + "Content-Length: 300000000\r\n"), // 413
                raw("GET / HTTP/1.1\r\n" + host),                                     // 303 to the outbox
                raw("GET /outbox HTTP/1.1\r\n" + host));
        List<String> statuses = answers.stream().map(answer -> answer.length() >= 12 ? answer.substring(9, 12) : answer)
                .toList();
        assertEquals(List.of("400", "414", "413", "303", "200"), statuses);
        answers.forEach(ApprovalHttpServerTest::assertHardened);

        function = event -> {
            throw new IllegalStateException("boom");
        };
        String failed = raw("GET /approvals/" + LINK + " HTTP/1.1\r\n" + host);
        assertTrue(failed.startsWith("HTTP/1.1 500"), failed);
        assertHardened(failed);
    }

    /** Issue 18, attack 6: a page using DNS rebinding could read the outbox (every live link) from the browser. */
    @Test
    void aRequestForAnotherHostNameIsRefusedWith421AndSaysWhy() throws Exception {
        outbox.add(new Outbox.Message("m-1", "arn:aws:sns:us-east-1:123456789012:approvals", "Approval requested",
                "Open http://127.0.0.1:1/approvals/" + LINK, Map.of("approver", "alice@example.com"), Instant.now()));
        int port = URI.create(server.endpoint()).getPort();

        for (String hostile : List.of("rebind.attacker.example", "rebind.attacker.example:" + port, "127.0.0.1.nip.io",
                "localhost.attacker.example", "[::2]:" + port)) {
            String answer = raw("GET /outbox HTTP/1.1\r\nHost: " + hostile + "\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 421"), hostile + ": " + answer);
            assertTrue(answer.contains("this local server answers only requests for 127.0.0.1, [::1], localhost"), answer);
            assertFalse(answer.contains(LINK), "the outbox must not leak: " + answer);
            assertHardened(answer);
        }
        for (String own : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port)) {
            String answer = raw("GET /outbox HTTP/1.1\r\nHost: " + own + "\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 200"), own + ": " + answer);
        }
        assertTrue(events.isEmpty());
    }

    @Test
    void aBodyThatNeverArrivesGets408AndTheServerKeepsAnswering() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", URI.create(server.endpoint()).getPort())) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /approvals/" + LINK + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                    + "application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ndecision=").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(200 + 0, send(to("/outbox")).statusCode(), "answers while a body is pending");
            slow.setSoTimeout(10_000);
            InputStream in = slow.getInputStream();
            String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 408", answer);
        }
        assertTrue(events.isEmpty());
        assertFalse(accessLog.stream().anyMatch(line -> line.contains(LINK)));
    }
}
