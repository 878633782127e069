package io.sfncallback.local.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.sfncallback.local.http.LocalHttp;
import io.sfncallback.local.http.LocalHttp.Limits;
import io.sfncallback.local.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The Step Functions endpoint over HTTP, AWS JSON 1.0 protocol: {@code POST /} with
 * {@code X-Amz-Target: AWSStepFunctions.<Operation>}; answers 200 with a JSON body, 4xx with
 * {@code {"__type", "message"}} for a refused request, 500 for a fault of the local stack (logged, never with its
 * stack trace in the answer).
 *
 * <p>It runs on Jetty and reads request bodies asynchronously: a slow client holds a connection, never a thread, so
 * any number of them cannot stall the endpoint. Every request is bounded: {@link Limits#maxBodyBytes} (413 beyond
 * it, before the body is read when Content-Length says so), {@link Limits#readTimeout} to deliver the whole body
 * (408 after it), {@link Limits#idleTimeout} of silence on a connection, and {@link Limits#maxConnections}.
 */
public final class SfnHttpServer implements AutoCloseable {

    private static final String TARGET_PREFIX = "AWSStepFunctions.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";

    /**
     * The bounds of one request and of the server. The largest API request is CreateStateMachine with a 1 MiB
     * definition (CreateStateMachine API reference); 4 MiB leaves room for JSON escaping.
     */
    public static final Limits DEFAULT_LIMITS = new Limits(4 * 1024 * 1024, Duration.ofSeconds(30),
            Duration.ofSeconds(30), 512, 32);

    private final Server server;
    private final ExecutorService calls;

    private SfnHttpServer(Server server, ExecutorService calls) {
        this.server = server;
        this.calls = calls;
    }

    /** Binds {@code host:port} (0 = a free port) with the default limits and starts serving. */
    public static SfnHttpServer start(String host, int port, ApiCall api) throws Exception {
        return start(host, port, api, DEFAULT_LIMITS, line -> System.err.println("[sfn-endpoint] " + line));
    }

    /** Binds {@code host:port} and starts serving; {@code log} hears every 500 with its stack trace. */
    public static SfnHttpServer start(String host, int port, ApiCall api, Limits limits, Consumer<String> log)
            throws Exception {
        // API calls run here, not on Jetty's threads: a call may wait for an execution's lock.
        ExecutorService calls = Executors.newFixedThreadPool(limits.maxThreads(),
                Thread.ofPlatform().name("sfn-local-api-", 1).daemon(true).factory());
        try {
            Server server = LocalHttp.start(host, port, "sfn-local-http", limits, new ApiHandler(api, limits, calls, log),
                    new JsonErrorHandler());
            return new SfnHttpServer(server, calls);
        } catch (Exception e) {
            calls.shutdownNow();
            throw e;
        }
    }

    public int port() {
        return LocalHttp.connector(server).getLocalPort();
    }

    public String endpoint() {
        return LocalHttp.endpoint(server);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("[sfn-endpoint] could not stop cleanly: " + e);
        }
        calls.shutdownNow();
        try {
            calls.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static JsonObject error(String type, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("__type", type);
        error.addProperty("message", message);
        return error;
    }

    private static void respond(Response response, Callback callback, int status, JsonObject body) {
        Map<String, String> headers = status == 200
                ? Map.of("x-amzn-RequestId", UUID.randomUUID().toString())
                : Map.of("x-amzn-RequestId", UUID.randomUUID().toString(),
                        "x-amzn-ErrorType", body.get("__type").getAsString());
        LocalHttp.respond(response, callback, status, CONTENT_TYPE, headers, Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the body without holding a thread, then runs the call on the API executor. */
    private static final class ApiHandler extends Handler.Abstract {
        private final ApiCall api;
        private final Limits limits;
        private final ExecutorService calls;
        private final Consumer<String> log;

        ApiHandler(ApiCall api, Limits limits, ExecutorService calls, Consumer<String> log) {
            super(InvocationType.NON_BLOCKING);
            this.api = api;
            this.limits = limits;
            this.calls = calls;
            this.log = log;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!"POST".equals(request.getMethod()) || !"/".equals(request.getHttpURI().getPath())) {
                respond(response, callback, 404, error("UnknownOperationException",
                        "The Step Functions endpoint answers POST / only"));
                return true;
            }
            String target = request.getHeaders().get("X-Amz-Target");
            if (target == null || !target.startsWith(TARGET_PREFIX)) {
                respond(response, callback, 400, error("UnknownOperationException",
                        "Missing or unknown X-Amz-Target header: " + target));
                return true;
            }
            String operation = target.substring(TARGET_PREFIX.length());
            LocalHttp.body(request, limits).whenComplete((body, failure) -> {
                if (failure instanceof LocalHttp.TooLarge) {
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    respond(response, callback, 413, error("SerializationException",
                            "The request body is larger than the local stack accepts (" + limits.maxBodyBytes()
                                    + " bytes)"));
                } else if (failure instanceof LocalHttp.TooSlow) {
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    respond(response, callback, 408, error("RequestTimeout",
                            "The request body did not arrive within " + limits.readTimeout().toSeconds() + " s"));
                } else if (failure != null) {
                    // The client went away or sent a broken body: nobody is there to read an answer.
                    callback.failed(failure);
                } else {
                    calls.execute(() -> call(operation, body, response, callback));
                }
            });
            return true;
        }

        private void call(String operation, byte[] body, Response response, Callback callback) {
            String text = new String(body, StandardCharsets.UTF_8);
            JsonElement parsed = text.isBlank() ? new JsonObject() : Json.parseStrict(text).orElse(null);
            if (parsed == null || !parsed.isJsonObject()) {
                respond(response, callback, 400, error("SerializationException",
                        "The request body is not a JSON object"));
                return;
            }
            try {
                respond(response, callback, 200, api.call(operation, parsed.getAsJsonObject()));
            } catch (ApiException e) {
                respond(response, callback, 400, error(e.type(), e.getMessage()));
            } catch (RuntimeException e) {
                String requestId = UUID.randomUUID().toString();
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(trace));
                log.accept("500 for " + operation + " (reference " + requestId + "): " + trace);
                respond(response, callback, 500, error("InternalFailure",
                        "The local stack failed to process the request (reference " + requestId
                                + "; the stack's log has the details)"));
            }
        }
    }

    /** Errors Jetty itself answers (bad request line, headers too large, ...): the AWS JSON shape, no stack. */
    private static final class JsonErrorHandler extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus() >= 400 ? response.getStatus() : 400;
            respond(response, callback, status, error(status >= 500 ? "InternalFailure" : "SerializationException",
                    "The request could not be read (HTTP " + status + ")"));
            return true;
        }
    }
}
