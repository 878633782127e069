package io.sfncallback.worker.snapstart;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client that never touches the network: it answers every AWS JSON-protocol request with
 * an empty success, except requests that mention {@code closedToken}, which get Step Functions'
 * TaskTimedOut error. Used only for priming.
 */
final class CannedHttpClient implements SdkHttpClient {

    private final String closedToken;

    CannedHttpClient(String closedToken) {
        this.closedToken = closedToken;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        boolean closed = request.contentStreamProvider()
                .map(provider -> read(provider.newStream()).contains(closedToken))
                .orElse(false);
        String body = closed ? "{\"__type\":\"TaskTimedOut\",\"message\":\"Task Timed Out\"}" : "{}";
        int status = closed ? 400 : 200;
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder()
                                .statusCode(status)
                                .putHeader("Content-Type", "application/x-amz-json-1.0")
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
            return "";
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
