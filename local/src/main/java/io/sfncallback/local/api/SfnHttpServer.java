package io.sfncallback.local.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sfncallback.local.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Step Functions endpoint over HTTP, AWS JSON 1.0 protocol: {@code POST /} with
 * {@code X-Amz-Target: AWSStepFunctions.<Operation>}; answers 200 with a JSON body, 400 with
 * {@code {"__type", "message"}} for a refused request, 500 for a fault of the local stack.
 */
public final class SfnHttpServer implements AutoCloseable {

    private static final String TARGET_PREFIX = "AWSStepFunctions.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";

    private final HttpServer server;
    private final ExecutorService threads;
    private final SfnApi api;

    private SfnHttpServer(HttpServer server, ExecutorService threads, SfnApi api) {
        this.server = server;
        this.threads = threads;
        this.api = api;
    }

    /** Binds {@code host:port} (0 = a free port) and starts serving. */
    public static SfnHttpServer start(String host, int port, SfnApi api) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
        ExecutorService threads = Executors.newFixedThreadPool(32,
                Thread.ofPlatform().name("sfn-local-http-", 1).daemon(true).factory());
        SfnHttpServer sfn = new SfnHttpServer(server, threads, api);
        server.createContext("/", sfn::handle);
        server.setExecutor(threads);
        server.start();
        return sfn;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String endpoint() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"POST".equals(exchange.getRequestMethod()) || !"/".equals(exchange.getRequestURI().getPath())) {
                respond(exchange, 404, error("UnknownOperationException",
                        "The Step Functions endpoint answers POST / only"));
                return;
            }
            if (target == null || !target.startsWith(TARGET_PREFIX)) {
                respond(exchange, 400, error("UnknownOperationException",
                        "Missing or unknown X-Amz-Target header: " + target));
                return;
            }
            String text = new String(body, StandardCharsets.UTF_8);
            JsonElement parsed = text.isBlank() ? new JsonObject() : Json.parseStrict(text).orElse(null);
            if (parsed == null || !parsed.isJsonObject()) {
                respond(exchange, 400, error("SerializationException", "The request body is not a JSON object"));
                return;
            }
            try {
                respond(exchange, 200, api.call(target.substring(TARGET_PREFIX.length()), parsed.getAsJsonObject()));
            } catch (ApiException e) {
                respond(exchange, 400, error(e.type(), e.getMessage()));
            } catch (RuntimeException e) {
                respond(exchange, 500, error("InternalFailure", "Internal error of the local stack: " + e));
            }
        }
    }

    private static JsonObject error(String type, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("__type", type);
        error.addProperty("message", message);
        return error;
    }

    private static void respond(HttpExchange exchange, int status, JsonObject body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        if (status != 200) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", body.get("__type").getAsString());
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
