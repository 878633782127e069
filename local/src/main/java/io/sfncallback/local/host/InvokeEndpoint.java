package io.sfncallback.local.host;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sfncallback.local.engine.FunctionInvoker;
import io.sfncallback.local.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hosted functions behind the shape of Lambda's Invoke API, {@code POST /2015-03-31/functions/{name}/invocations}
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), on 127.0.0.1: so that an emulator which cannot
 * run a Java function (moto without Docker) can hand a synchronous invoke to the real handler. A function that
 * throws answers 200 with {@code X-Amz-Function-Error: Unhandled} and the Java runtime's error payload, as Lambda
 * does; an unknown function answers 404 ResourceNotFoundException.
 */
public final class InvokeEndpoint implements AutoCloseable {

    private static final Pattern ROUTE = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");
    private static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

    private final HttpServer server;
    private final ExecutorService threads;

    private InvokeEndpoint(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** Binds {@code host:port} (0 = a free port) and serves {@code functions}. */
    public static InvokeEndpoint start(String host, int port, FunctionInvoker functions, Consumer<String> log)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        ExecutorService threads = Executors.newFixedThreadPool(8,
                Thread.ofPlatform().name("invoke-endpoint-", 1).daemon(true).factory());
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (exchange) {
                answer(exchange, functions, log);
            }
        });
        server.start();
        return new InvokeEndpoint(server, threads);
    }

    private static void answer(HttpExchange exchange, FunctionInvoker functions, Consumer<String> log)
            throws IOException {
        Matcher route = ROUTE.matcher(exchange.getRequestURI().getPath());
        if (!"POST".equals(exchange.getRequestMethod()) || !route.matches()) {
            sendError(exchange, 404, "UnknownOperationException", "Unknown operation");
            return;
        }
        String name = URLDecoder.decode(route.group(1), StandardCharsets.UTF_8);
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_PAYLOAD_BYTES + 1);
        }
        if (body.length > MAX_PAYLOAD_BYTES) {
            sendError(exchange, 413, "RequestTooLargeException", "Request must be smaller than 6291456 bytes");
            return;
        }
        Optional<JsonElement> payload = body.length == 0 ? Optional.of(new JsonObject())
                : Json.parseStrict(new String(body, StandardCharsets.UTF_8));
        if (payload.isEmpty()) {
            sendError(exchange, 400, "InvalidRequestContentException", "Could not parse request body into json");
            return;
        }
        FunctionInvoker.Outcome outcome = functions.invoke(name, payload.get());
        switch (outcome) {
            case FunctionInvoker.Outcome.Returned returned -> {
                log.accept("invoke " + name + ": returned");
                exchange.getResponseHeaders().set("X-Amz-Executed-Version", returned.executedVersion());
                send(exchange, 200, Json.write(returned.payload()), Optional.empty());
            }
            case FunctionInvoker.Outcome.FunctionError failed -> {
                log.accept("invoke " + name + ": the function threw " + failed.errorType());
                send(exchange, 200, failed.errorPayload(), Optional.of("Unhandled"));
            }
            case FunctionInvoker.Outcome.ServiceError refused -> {
                log.accept("invoke " + name + ": " + refused.error());
                sendError(exchange, 404, "ResourceNotFoundException", refused.cause());
            }
        }
    }

    /** Lambda's error answer: the type in X-Amzn-ErrorType, {"Type": "User", "message"} as the body. */
    private static void sendError(HttpExchange exchange, int status, String type, String message) throws IOException {
        JsonObject error = new JsonObject();
        error.addProperty("Type", "User");
        error.addProperty("message", message);
        exchange.getResponseHeaders().set("X-Amzn-ErrorType", type);
        send(exchange, status, Json.write(error), Optional.empty());
    }

    private static void send(HttpExchange exchange, int status, String body, Optional<String> functionError)
            throws IOException {
        functionError.ifPresent(value -> exchange.getResponseHeaders().set("X-Amz-Function-Error", value));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code http://host:port}. */
    public String endpoint() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
