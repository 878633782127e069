package io.sfncallback.local.http;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
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
 * body may take, idle connections closed, a cap on connections, no server version in answers.
 */
public final class LocalHttp {

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
        server.setHandler(handler);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return server;
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
