package io.sfncallback.testkit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Step Functions endpoint that keeps a ledger of task tokens: SendTaskSuccess / SendTaskFailure
 * close an open task exactly once; any later callback for it is answered TaskTimedOut, and an
 * unknown token InvalidToken, like the real service. Faults can be injected per token.
 */
public final class FakeStepFunctions implements AutoCloseable {

    /** How a task ended: {@code output} for success, {@code error}/{@code cause} for failure. */
    public record Result(String output, String error, String cause) {
        public boolean succeeded() {
            return error == null;
        }
    }

    private final HttpServer server;
    private final Map<String, Boolean> open = new ConcurrentHashMap<>();
    private final Map<String, Result> results = new ConcurrentHashMap<>();
    private final CallbackLedger ledger = new CallbackLedger();
    private final Map<String, AtomicInteger> faultsLeft = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSignNanos = new ConcurrentHashMap<>();
    private final Set<String> timedOut = ConcurrentHashMap.newKeySet();
    private volatile long heartbeatNanos = Long.MAX_VALUE;

    public FakeStepFunctions() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A task that is waiting for its callback; its heartbeat clock starts now, as when Step Functions sends the message. */
    public void open(String token) {
        lastSignNanos.put(token, System.nanoTime());
        open.put(token, true);
    }

    /**
     * Times out, like a state's HeartbeatSeconds, every open task that goes longer than
     * {@code heartbeat} without a heartbeat since it was opened or last heartbeated. The expiry is
     * found when the next call for the task arrives, which is then answered TaskTimedOut.
     */
    public void heartbeatSeconds(Duration heartbeat) {
        heartbeatNanos = heartbeat.toNanos();
    }

    /** The tasks that timed out for want of a heartbeat. */
    public Set<String> timedOut() {
        return Set.copyOf(timedOut);
    }

    /** The next {@code count} calls for {@code token} fail with HTTP 500. */
    public void failNext(String token, int count) {
        faultsLeft.put(token, new AtomicInteger(count));
    }

    public Map<String, Result> results() {
        return Map.copyOf(results);
    }

    /** The callbacks received for each task token. */
    public CallbackLedger ledger() {
        return ledger;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonObject body = JsonParser.parseString(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                    .getAsJsonObject();
            String token = body.get("taskToken").getAsString();
            AtomicInteger faults = faultsLeft.get(token);
            if (faults != null && faults.getAndDecrement() > 0) {
                reply(exchange, 500, error("InternalFailure", "injected fault"));
                return;
            }
            String operation = target.substring(target.indexOf('.') + 1);
            Long lastSign = lastSignNanos.get(token);
            if (lastSign != null && System.nanoTime() - lastSign > heartbeatNanos && open.replace(token, true, false)) {
                timedOut.add(token);
            }
            Boolean isOpen = open.get(token);
            if (isOpen == null) {
                reply(exchange, 400, error("InvalidToken", "Invalid token"));
                return;
            }
            if (operation.equals("SendTaskHeartbeat")) {
                ledger.heartbeat(token);
                if (isOpen) {
                    lastSignNanos.put(token, System.nanoTime());
                }
                reply(exchange, isOpen ? 200 : 400, isOpen ? "{}" : error("TaskTimedOut", "Task Timed Out"));
                return;
            }
            if (!open.replace(token, true, false)) {
                ledger.completion(token, false);
                reply(exchange, 400, error("TaskTimedOut", "Task Timed Out"));
                return;
            }
            ledger.completion(token, true);
            results.put(token, operation.equals("SendTaskSuccess")
                    ? new Result(body.get("output").getAsString(), null, null)
                    : new Result(null, body.get("error").getAsString(), body.get("cause").getAsString()));
            reply(exchange, 200, "{}");
        }
    }

    private static String error(String type, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("__type", type);
        error.addProperty("message", message);
        return error.toString();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
