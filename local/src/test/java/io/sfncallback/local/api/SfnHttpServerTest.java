package io.sfncallback.local.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.sfncallback.local.http.LocalHttp;
import io.sfncallback.local.support.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint cannot be knocked over: slow clients hold no thread, huge bodies are refused before they are read,
 * every request has a deadline, and a fault answers 500 without its stack trace (which goes to the log).
 */
class SfnHttpServerTest {

    private static final LocalHttp.Limits TEST_LIMITS =
            new LocalHttp.Limits(64 * 1024, Duration.ofSeconds(2), Duration.ofSeconds(2), 512, 8);

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private SfnHttpServer server;

    private void start(ApiCall api) throws Exception {
        server = SfnHttpServer.start("127.0.0.1", 0, api, TEST_LIMITS, log::add);
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ApiCall echo() {
        return (operation, body) -> {
            JsonObject answer = new JsonObject();
            answer.addProperty("operation", operation);
            return answer;
        };
    }

    private HttpResponse<String> post(String body) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
                .timeout(Duration.ofSeconds(20))
                .header("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(20_000);
        sockets.add(socket);
        return socket;
    }

    private static String head(String target, String extraHeaders) {
        return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AWSStepFunctions." + target + "\r\n"
                + "Content-Type: application/x-amz-json-1.0\r\n" + extraHeaders + "\r\n";
    }

    private static String readAll(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void fortySlowClientsDoNotStallTheEndpointAndAreCutOffAtTheReadDeadline() throws Exception {
        start(echo());
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Socket socket = open();
            OutputStream out = socket.getOutputStream();
            // Half a body, then silence; and half of them never even finish their headers.
            if (i % 2 == 0) {
                out.write((head("ListStateMachines", "Content-Length: 100\r\n") + "{\"a\":").getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Tar".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            slow.add(socket);
        }
        HttpResponse<String> answer = post("{}");
        assertEquals(200, answer.statusCode());
        assertTrue(answer.body().contains("ListStateMachines"));
        for (Socket socket : slow) {
            // The read deadline (2 s here) or the idle timeout ends each of them: the server closes the connection.
            String reply = readAll(socket);
            assertTrue(reply.isEmpty() || reply.startsWith("HTTP/1.1 408") || reply.startsWith("HTTP/1.1 400"), reply);
        }
    }

    @Test
    void aHugeDeclaredBodyIsRefusedWith413BeforeItIsRead() throws Exception {
        start(echo());
        Socket socket = open();
        OutputStream out = socket.getOutputStream();
        out.write(head("ListStateMachines", "Content-Length: 314572800\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = readAll(socket);
        assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
        assertTrue(reply.contains("\"__type\":\"SerializationException\""), reply);
        assertEquals(200, post("{}").statusCode());
    }

    @Test
    void aChunkedBodyIsCutOffWith413WhenItOutgrowsTheLimit() throws Exception {
        start(echo());
        Socket socket = open();
        OutputStream out = socket.getOutputStream();
        out.write(head("ListStateMachines", "Transfer-Encoding: chunked\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = ("4000\r\n" + " ".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try {
            for (int i = 0; i < 64; i++) {
                out.write(chunk);
            }
            out.flush();
        } catch (IOException e) {
            // the server may close the connection while the body is still being sent: that is the point
        }
        String reply;
        try {
            reply = readAll(socket);
        } catch (IOException e) {
            reply = "";
        }
        assertTrue(reply.isEmpty() || reply.startsWith("HTTP/1.1 413"), reply);
        assertEquals(200, post("{}").statusCode());
    }

    @Test
    void aFaultAnswers500WithoutItsStackTraceAndIsLogged() throws Exception {
        start((operation, body) -> {
            throw new IllegalStateException("secret internal detail");
        });
        HttpResponse<String> answer = post("{}");
        assertEquals(500, answer.statusCode());
        assertTrue(answer.body().contains("\"__type\":\"InternalFailure\""), answer.body());
        assertFalse(answer.body().contains("secret internal detail"), answer.body());
        assertFalse(answer.body().contains("\tat "), answer.body());
        Await.until(Duration.ofSeconds(5), "the 500 logged", () -> log.stream()
                .anyMatch(line -> line.contains("secret internal detail") && line.contains("at ")));
    }

    @Test
    void requestsThatAreNotTheApiGetAwsStyleErrors() throws Exception {
        start(echo());
        Socket socket = open();
        socket.getOutputStream().write(("GET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String reply = readAll(socket);
        assertTrue(reply.startsWith("HTTP/1.1 404"), reply);
        Socket headers = open();
        headers.getOutputStream().write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "h".repeat(64 * 1024)
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String tooBig;
        try {
            tooBig = readAll(headers);
        } catch (IOException e) {
            tooBig = "";
        }
        assertTrue(tooBig.isEmpty() || tooBig.startsWith("HTTP/1.1 431") || tooBig.startsWith("HTTP/1.1 400"), tooBig);
        assertFalse(tooBig.contains("\tat "), tooBig);
        assertEquals(400, post("not json").statusCode());
    }

    /**
     * Issue 18, attack 6: execution histories hold task tokens; a web page using DNS rebinding must not be able to
     * read them through the developer's browser.
     */
    @Test
    void aRequestForAnotherHostNameIsRefusedWith421BeforeTheApiIsCalled() throws Exception {
        start(echo());
        Socket socket = open();
        socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: rebind.attacker.example\r\n"
                + "X-Amz-Target: AWSStepFunctions.ListStateMachines\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
                .getBytes(StandardCharsets.US_ASCII));
        String reply = readAll(socket);
        assertTrue(reply.startsWith("HTTP/1.1 421"), reply);
        assertTrue(reply.contains("answers only requests for 127.0.0.1, [::1], localhost"), reply);
        assertEquals(200, post("{}").statusCode(), "its own name is still answered");
    }
}
