package io.sfncallback.local.approval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.sfncallback.local.http.LocalHttp;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The approval endpoint, standing in for the HTTP API in front of the page function, with its routes: {@code GET
 * /approvals/{link}}, {@code POST /approvals/{link}} and the catch-all {@code $default}
 * (modules/approval/main.tf), which hands the function every other request (another path, another method) with
 * route key {@code $default} and no path parameters, as API Gateway does
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html). Each request is turned
 * into a payload format 2.0 event ({@link HttpApiEvents}) for the function, and the function's response returned as it
 * is (status, headers, cookies, body). A function that fails gets {@code 500 {"message":"Internal Server Error"}}, as
 * from API Gateway, and the stack's log has the exception.
 *
 * <p>The same server shows the {@link Outbox} at {@code GET /outbox} (the local stand-in for the approvers' mail;
 * {@code GET /} and {@code HEAD /} lead there; both are local only: on AWS the catch-all answers them). Requests are bounded like the Step Functions endpoint's: a body over
 * {@link #LIMITS}' size is refused before it is read when Content-Length says so (413), a body that takes longer than
 * its read timeout gets 408, idle connections close, and connections are capped. Each request leaves one access-log
 * line naming the route, never the link itself (a credential), only its fingerprint.
 *
 * <p>Every answer the endpoint makes itself (408, 413, 500, 503, the outbox's redirect, and what Jetty refuses
 * before any handler runs: a bad request line or path 400, an over-long URL 414, headers too large 431) carries
 * {@link LocalHttp#SECURITY_HEADERS}; the page function's answers carry the page's own. Requests for another host
 * name get 421 ({@link LocalHttp#allowedHosts}). On AWS, the answers API Gateway still writes itself (throttling,
 * payload too large, a function it cannot invoke) cannot be given headers: HTTP APIs have no custom gateway responses
 * (docs/approval.md, "Every answer is hardened").
 */
public final class ApprovalHttpServer implements AutoCloseable {

    static final Pattern ROUTE = Pattern.compile("/approvals/([^/]+)");
    /** The catch-all route's key, as API Gateway names it in the event and the access log. */
    static final String DEFAULT_ROUTE = "$default";
    /**
     * API Gateway accepts up to 10 MB; the page function refuses anything over 16 KiB itself, so 1 MiB lets its own
     * 413 page be seen while keeping what a client can make the stack hold small.
     */
    static final LocalHttp.Limits LIMITS = new LocalHttp.Limits(1024 * 1024, Duration.ofSeconds(30),
            Duration.ofSeconds(30), 256, 16);
    private static final String JSON = "application/json";

    /** Invokes the page function with an event; returns its response JSON or throws its failure. */
    @FunctionalInterface
    interface PageFunction {
        JsonObject handle(JsonObject event) throws Exception;
    }

    private final Server server;
    private final ExecutorService calls;
    private final ApiHandler handler;

    private ApprovalHttpServer(Server server, ExecutorService calls, ApiHandler handler) {
        this.server = server;
        this.calls = calls;
        this.handler = handler;
    }

    /**
     * Binds {@code host:port} (0 = a free port); the approval routes answer 503 until {@link #route} gives them the
     * page function (which needs this server's origin first).
     */
    static ApprovalHttpServer start(String host, int port, Outbox outbox, String topicArn, String accountId,
            Clock clock, Consumer<String> accessLog) throws Exception {
        return start(host, port, LIMITS, outbox, topicArn, accountId, clock, accessLog);
    }

    static ApprovalHttpServer start(String host, int port, LocalHttp.Limits limits, Outbox outbox, String topicArn,
            String accountId, Clock clock, Consumer<String> accessLog) throws Exception {
        ExecutorService calls = Executors.newFixedThreadPool(limits.maxThreads(),
                Thread.ofPlatform().name("approval-page-", 1).daemon(true).factory());
        ApiHandler handler = new ApiHandler(outbox, topicArn, accountId, clock, calls, limits, accessLog);
        try {
            return new ApprovalHttpServer(LocalHttp.start(host, port, "approval-http", limits, handler,
                    new GatewayErrorHandler()), calls, handler);
        } catch (Exception e) {
            calls.shutdownNow();
            throw e;
        }
    }

    /** Connects the approval routes to the page function. */
    void route(PageFunction function) {
        handler.function = function;
    }

    /** {@code http://host:port}: the links' base and the page's origin. */
    public String endpoint() {
        return LocalHttp.endpoint(server);
    }

    public String outboxUrl() {
        return endpoint() + "/outbox";
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            calls.shutdownNow();
            calls.awaitTermination(2, TimeUnit.SECONDS);
        }
    }

    /** An answer of the endpoint itself, as API Gateway words it: {@code {"message": "…"}}, with the security headers. */
    static void message(Response response, Callback callback, int status, String text) {
        JsonObject body = new JsonObject();
        body.addProperty("message", text);
        LocalHttp.respond(response, callback, status, JSON, LocalHttp.SECURITY_HEADERS,
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** What Jetty refuses before any handler runs (400, 414, 431, ...): the same shape and headers, no stack trace. */
    private static final class GatewayErrorHandler extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus() >= 400 ? response.getStatus() : 500;
            String reason = HttpStatus.getMessage(status);
            message(response, callback, status, reason == null ? "Error" : reason);
            return true;
        }
    }

    /** The first 12 hex characters of the SHA-256 of a link secret: how the page function's logs name a link. */
    static String fingerprint(String link) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(link.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private static final class ApiHandler extends Handler.Abstract {
        private final Outbox outbox;
        private final String topicArn;
        private final String accountId;
        private final Clock clock;
        private final ExecutorService calls;
        private final LocalHttp.Limits limits;
        private final Consumer<String> accessLog;
        private volatile PageFunction function;

        ApiHandler(Outbox outbox, String topicArn, String accountId, Clock clock, ExecutorService calls,
                LocalHttp.Limits limits, Consumer<String> accessLog) {
            super(InvocationType.NON_BLOCKING);
            this.outbox = outbox;
            this.topicArn = topicArn;
            this.accountId = accountId;
            this.clock = clock;
            this.calls = calls;
            this.limits = limits;
            this.accessLog = accessLog;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            long started = System.nanoTime();
            String method = request.getMethod();
            String path = request.getHttpURI().getPath();
            boolean read = method.equals("GET") || method.equals("HEAD");
            if (read && (path.equals("/outbox") || path.equals("/outbox/"))) {
                byte[] page = OutboxPage.render(outbox.messages(), topicArn).getBytes(StandardCharsets.UTF_8);
                LocalHttp.respond(response, callback, 200, "text/html; charset=utf-8", OutboxPage.HEADERS,
                        method.equals("HEAD") ? new byte[0] : page);
                return true;
            }
            if (read && path.equals("/")) {
                LocalHttp.respond(response, callback, 303, null, with(LocalHttp.SECURITY_HEADERS, "Location", "/outbox"),
                        new byte[0]);
                return true;
            }
            Matcher route = ROUTE.matcher(path == null ? "" : path);
            boolean pageRoute = route.matches() && (method.equals("GET") || method.equals("POST"));
            // Anything else takes the catch-all: the function answers it (404, or 405 with Allow). Its access-log
            // line names the route key, never the path, which may hold a link.
            String routeKey = pageRoute ? method + " /approvals/{link}" : DEFAULT_ROUTE;
            String link = pageRoute ? decode(route.group(1)) : null;
            Map<String, String> pathParameters = pageRoute ? Map.of("link", link) : Map.of();
            PageFunction page = function;
            if (page == null) {
                log(routeKey, 503, link, started);
                message(response, callback, 503, "Service Unavailable");
                return true;
            }
            LocalHttp.body(request, limits).whenComplete((body, failure) -> {
                if (failure instanceof LocalHttp.TooLarge) {
                    log(routeKey, 413, link, started);
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    message(response, callback, 413, "Request Entity Too Large");
                } else if (failure instanceof LocalHttp.TooSlow) {
                    log(routeKey, 408, link, started);
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    message(response, callback, 408, "Request Timeout");
                } else if (failure != null) {
                    callback.failed(failure);
                } else {
                    JsonObject event = HttpApiEvents.event(new HttpApiEvents.Request(method, routeKey,
                            path, request.getHttpURI().getQuery(), headers(request), pathParameters, body,
                            sourceIp(request), host(request), request.getConnectionMetaData().getProtocol(),
                            accountId, "local", clock.instant()));
                    calls.execute(() -> invoke(page, event, routeKey, link, started, response, callback));
                }
            });
            return true;
        }

        private void invoke(PageFunction page, JsonObject event, String routeKey, String link, long started,
                Response response, Callback callback) {
            JsonObject answer;
            try {
                answer = page.handle(event);
            } catch (Exception | Error e) {
                String reference = UUID.randomUUID().toString();
                accessLog.accept("the page function failed (reference " + reference + "): " + e);
                log(routeKey, 500, link, started);
                message(response, callback, 500, "Internal Server Error");
                return;
            }
            int status = answer.get("statusCode").getAsInt();
            Map<String, String> headers = new LinkedHashMap<>();
            if (answer.get("headers") instanceof JsonObject single) {
                single.entrySet().forEach(header -> headers.put(header.getKey(), header.getValue().getAsString()));
            }
            if (answer.get("multiValueHeaders") instanceof JsonObject multi) {
                multi.entrySet().forEach(header -> {
                    List<String> values = new ArrayList<>();
                    header.getValue().getAsJsonArray().forEach(value -> values.add(value.getAsString()));
                    headers.merge(header.getKey(), String.join(", ", values), (a, b) -> a + ", " + b);
                });
            }
            List<String> cookies = new ArrayList<>();
            if (answer.get("cookies") instanceof com.google.gson.JsonArray array) {
                array.forEach(cookie -> cookies.add(cookie.getAsString()));
            }
            JsonElement body = answer.get("body");
            byte[] bytes = body == null || body.isJsonNull() ? new byte[0]
                    : answer.get("isBase64Encoded").getAsBoolean() ? Base64.getDecoder().decode(body.getAsString())
                    : body.getAsString().getBytes(StandardCharsets.UTF_8);
            headers.put("Apigw-Requestid", event.getAsJsonObject("requestContext").get("requestId").getAsString());
            for (String cookie : cookies) {
                response.getHeaders().add(HttpHeader.SET_COOKIE, cookie);
            }
            log(routeKey, status, link, started);
            String contentType = headers.remove("Content-Type");
            LocalHttp.respond(response, callback, status, contentType, headers, bytes);
        }

        private void log(String route, int status, String link, long started) {
            long millis = (System.nanoTime() - started) / 1_000_000;
            accessLog.accept(route + " " + status + (link == null ? "" : " (link " + fingerprint(link) + ")")
                    + " " + millis + " ms");
        }

        private static Map<String, String> with(Map<String, String> headers, String name, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(name, value);
            return all;
        }

        private static Map<String, List<String>> headers(Request request) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (HttpField field : request.getHeaders()) {
                headers.computeIfAbsent(field.getName(), name -> new ArrayList<>()).add(field.getValue());
            }
            String sourceIp = sourceIp(request);
            headers.computeIfAbsent("X-Forwarded-For", name -> new ArrayList<>()).add(sourceIp);
            headers.put("X-Forwarded-Proto", List.of("http"));
            headers.put("X-Forwarded-Port", List.of(Integer.toString(Request.getLocalPort(request))));
            return headers;
        }

        private static String sourceIp(Request request) {
            SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
            return remote instanceof InetSocketAddress address ? address.getAddress().getHostAddress() : "127.0.0.1";
        }

        private static String host(Request request) {
            String host = request.getHeaders().get(HttpHeader.HOST);
            return host == null || host.isBlank() ? Request.getServerName(request) : host;
        }

        /** A path segment's percent-escapes decoded; a malformed one is passed on as it is. */
        private static String decode(String segment) {
            try {
                return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return segment;
            }
        }
    }
}
