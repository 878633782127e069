package io.sfncallback.core.snapstart;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client that never touches the network: every request the SDK sends through it gets the
 * answer a {@link Responder} makes from it. The functions' SnapStart priming hooks run their real
 * code and SDK clients (marshalling, signing, response and error parsing) over it, so the classes a
 * first request needs are loaded before the snapshot while no request leaves the function.
 * (<a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-best-practices.html">SnapStart
 * best practices: priming</a>)
 */
public final class CannedHttpClient implements SdkHttpClient {

    /** The JSON 1.0 protocol's content type (Step Functions, DynamoDB, SQS). */
    public static final String JSON_1_0 = "application/x-amz-json-1.0";

    /** A request as the SDK would have sent it. */
    public record Request(SdkHttpRequest http, String body) {

        /** The operation of a JSON-protocol request ({@code X-Amz-Target}, e.g. {@code DynamoDB_20120810.GetItem}), or "". */
        public String target() {
            return http.firstMatchingHeader("X-Amz-Target").orElse("");
        }
    }

    /** One HTTP answer. */
    public record Answer(int status, String contentType, String body) {

        public Answer {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }

        /** 200 with a JSON 1.0 body. */
        public static Answer json(String body) {
            return new Answer(200, JSON_1_0, body);
        }

        /** A JSON-protocol service error, as the SDK reads {@code __type} into its exception classes. */
        public static Answer jsonError(int status, String type, String message) {
            return new Answer(status, JSON_1_0, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
        }

        /** 200 with an XML body (the query protocol, e.g. SNS). */
        public static Answer xml(String body) {
            return new Answer(200, "text/xml", body);
        }
    }

    /** Makes the answer to one request; may be called from several threads at once. */
    @FunctionalInterface
    public interface Responder {
        Answer answer(Request request);
    }

    private final Responder responder;
    private final AtomicInteger requests = new AtomicInteger();

    public CannedHttpClient(Responder responder) {
        this.responder = Objects.requireNonNull(responder, "responder");
    }

    /** How many requests were answered. */
    public int requests() {
        return requests.get();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String body = request.contentStreamProvider().map(provider -> read(provider.newStream())).orElse("");
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                requests.incrementAndGet();
                Answer answer = responder.answer(new Request(request.httpRequest(), body));
                byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder()
                                .statusCode(answer.status())
                                .putHeader("Content-Type", answer.contentType())
                                .putHeader("Content-Length", Integer.toString(bytes.length))
                                .putHeader("x-amzn-RequestId", "priming")
                                .build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                        .build();
            }

            @Override
            public void abort() {
            }
        };
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String clientName() {
        return "Priming";
    }

    @Override
    public void close() {
    }
}
