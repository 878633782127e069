package io.sfncallback.local.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty set-up of the local stack's endpoints (Step Functions, SNS, the approval pages and outbox): bodies read
 * asynchronously (a slow client holds a connection, never a thread), each request bounded in size and in the time its
 * body may take, idle connections closed, a cap on connections, no server version in answers, and only the server's
 * own host names answered ({@link #allowedHosts}).
 */
public final class LocalHttp {

    /**
     * The headers every answer of a browser-facing local server carries, error answers included: no content sniffing,
     * no framing, no referrer, no caching, and a policy that allows nothing to load or run.
     */
    public static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-store");

    /** The status a request for another host name gets (RFC 9110 §15.5.20, Misdirected Request). */
    public static final int MISDIRECTED = 421;

    /** The bounds of one request and of a server. */
    public record Limits(int maxBodyBytes, Duration readTimeout, Duration idleTimeout, int maxConnections, int maxThreads) {
    }

    /** A body over {@link Limits#maxBodyBytes}. */
    public static final class TooLarge extends Exception {
        TooLarge() {
            super("the request body is over the limit");
        }
    }

    /** A body that did not arrive within {@link Limits#readTimeout}. */
    public static final class TooSlow extends Exception {
        TooSlow() {
            super("the request body did not arrive in time");
        }
    }

    private LocalHttp() {
    }

    /** A started server on {@code host:port} (0 = a free port) running {@code handler}. */
    public static Server start(String host, int port, String name, Limits limits, Handler handler) throws Exception {
        return start(host, port, name, limits, handler, null);
    }

    /** The same, with the {@code errorHandler} that answers what Jetty itself refuses (null: Jetty's own). */
    public static Server start(String host, int port, String name, Limits limits, Handler handler,
            ErrorHandler errorHandler) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(limits.maxThreads(), 2);
        threads.setName(name);
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        if (errorHandler != null) {
            server.setErrorHandler(errorHandler);
        }
        server.setHandler(new HostCheck(allowedHosts(host), handler));
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return server;
    }

    /**
     * The host names a server bound to {@code bindHost} answers: {@code localhost}, {@code 127.0.0.1}, {@code [::1]}
     * and the bind address itself (the user's choice of host), lower case, without port.
     *
     * <p>A web page the developer opens can make their browser send requests to a local port under a name its site
     * controls (DNS rebinding: {@code rebind.attacker.example} first resolving to the site, then to 127.0.0.1); the
     * browser then treats the answers as the site's own and lets it read them. The Host header still names the
     * attacker's domain, so refusing every name but the server's own closes that door, as webpack-dev-server and Vite
     * ({@code allowedHosts}) and Jupyter do. Without it, the outbox (every approver's live link) and the Step
     * Functions endpoint (task tokens in execution histories) would be readable by any site.
     */
    public static Set<String> allowedHosts(String bindHost) {
        Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "[::1]"));
        if (bindHost != null && !bindHost.isBlank()) {
            String host = bindHost.trim().toLowerCase(Locale.ROOT);
            hosts.add(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host);
        }
        return Set.copyOf(hosts);
    }

    /** The host name of a Host header value ({@code name[:port]} or {@code [v6][:port]}), lower case. */
    static String hostName(String hostHeader) {
        String value = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(0, end + 1);
        }
        int colon = value.lastIndexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** Refuses, with 421 and a line saying why, a request whose Host header names another host. */
    static final class HostCheck extends Handler.Wrapper {
        private final Set<String> allowed;

        HostCheck(Set<String> allowed, Handler next) {
            super(next);
            this.allowed = allowed;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            // HTTP/1.1 requires a Host header (Jetty refuses a request without one); HTTP/1.0 has none, and a
            // browser, the only client DNS rebinding can use, always sends one.
            String host = request.getHeaders().get(HttpHeader.HOST);
            if (host != null && !allowed.contains(hostName(host))) {
                String shown = host.chars().limit(100).map(c -> c >= 0x20 && c < 0x7f ? c : '?')
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
                byte[] body = ("Refused: this local server answers only requests for " + String.join(", ",
                        new java.util.TreeSet<>(allowed)) + "; this one was for the host " + shown
                        + " (a web page reaching a local port under its own name, DNS rebinding, is refused so).\n")
                        .getBytes(StandardCharsets.UTF_8);
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                respond(response, callback, MISDIRECTED, "text/plain; charset=utf-8", SECURITY_HEADERS, body);
                return true;
            }
            return super.handle(request, response, callback);
        }
    }

    public static ServerConnector connector(Server server) {
        return (ServerConnector) server.getConnectors()[0];
    }

    public static String endpoint(Server server) {
        ServerConnector connector = connector(server);
        return "http://" + connector.getHost() + ":" + connector.getLocalPort();
    }

    /**
     * The whole body, read without holding a thread; fails with {@link TooLarge} (before reading when Content-Length
     * says so), {@link TooSlow}, or the I/O error of a client that went away.
     */
    public static CompletableFuture<byte[]> body(Request request, Limits limits) {
        if (request.getLength() > limits.maxBodyBytes()) {
            return CompletableFuture.failedFuture(new TooLarge());
        }
        CompletableFuture<byte[]> body = new CompletableFuture<>();
        Content.Source.asByteArrayAsync(request, limits.maxBodyBytes())
                .orTimeout(limits.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((bytes, failure) -> {
                    if (failure == null) {
                        body.complete(bytes);
                        return;
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (cause instanceof TimeoutException) {
                        request.fail(cause);
                        body.completeExceptionally(new TooSlow());
                    } else if (!(cause instanceof java.io.IOException)) {
                        // A body without Content-Length that outgrows the limit fails with a runtime exception.
                        request.fail(cause);
                        body.completeExceptionally(new TooLarge());
                    } else {
                        body.completeExceptionally(cause);
                    }
                });
        return body;
    }

    /** Writes a complete answer. */
    public static void respond(Response response, Callback callback, int status, String contentType,
            Map<String, String> headers, byte[] body) {
        response.setStatus(status);
        headers.forEach((name, value) -> response.getHeaders().put(name, value));
        if (contentType != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Long.toString(body.length));
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
