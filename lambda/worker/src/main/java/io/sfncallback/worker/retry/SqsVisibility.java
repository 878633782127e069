package io.sfncallback.worker.retry;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * SQS ChangeMessageVisibilityBatch, the one SQS call the worker makes, without the SQS client module.
 *
 * <p>The request is the documented AWS JSON 1.0 form of the API
 * (<a href="https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibilityBatch.html">API reference</a>;
 * target {@code AmazonSQS.ChangeMessageVisibilityBatch}, as the SDK's own marshaller sends it),
 * signed with the SDK's public SigV4 signer and sent with the same HTTP client as the Step Functions
 * calls. The SQS client module would add 690 KB to a 6 MB deployment package for this single call.
 * There are no retries: a failed call only means the records come back later.
 */
public final class SqsVisibility {

    static final String TARGET = "AmazonSQS.ChangeMessageVisibilityBatch";
    static final String CONTENT_TYPE = "application/x-amz-json-1.0";

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final URI endpoint;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param endpoint where to send requests; {@code null} sends them to the queue URL's own host,
     *                 which is the SQS endpoint of the queue's region
     */
    public SqsVisibility(SdkHttpClient http, AwsCredentialsProvider credentials, String region, URI endpoint) {
        this.http = Objects.requireNonNull(http, "http");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.endpoint = endpoint;
    }

    /** One message whose visibility timeout is to change. */
    public record Entry(String id, String receiptHandle, int visibilityTimeoutSeconds) {
    }

    /** An entry SQS did not change, with its reason. */
    public record Failure(String id, String code, String message) {
    }

    /** A call that failed as a whole: an HTTP error, a network problem or an unreadable answer. */
    public static final class SqsCallException extends Exception {
        private static final long serialVersionUID = 1L;

        SqsCallException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Changes the visibility timeout of up to ten messages.
     *
     * @return the entries SQS reports as failed; empty when all changed
     */
    public List<Failure> changeVisibility(String queueUrl, List<Entry> entries) throws SqsCallException {
        JsonObject body = new JsonObject();
        body.addProperty("QueueUrl", queueUrl);
        JsonArray items = new JsonArray();
        for (Entry entry : entries) {
            JsonObject item = new JsonObject();
            item.addProperty("Id", entry.id());
            item.addProperty("ReceiptHandle", entry.receiptHandle());
            item.addProperty("VisibilityTimeout", entry.visibilityTimeoutSeconds());
            items.add(item);
        }
        body.add("Entries", items);
        byte[] payload = body.toString().getBytes(StandardCharsets.UTF_8);

        URI target = endpoint != null ? endpoint : hostOf(queueUrl);
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(target)
                .encodedPath("/")
                .putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("X-Amz-Target", TARGET)
                .putHeader("Content-Length", Integer.toString(payload.length))
                .build();
        try {
            SignedRequest signed = signer.sign(r -> r
                    .identity(credentials.resolveCredentials())
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArrayUnsafe(payload))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sqs")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            String answer = read(response);
            int status = response.httpResponse().statusCode();
            if (status / 100 != 2) {
                throw new SqsCallException("HTTP " + status + " " + errorOf(answer), null);
            }
            return failuresOf(answer);
        } catch (IOException | RuntimeException e) {
            throw new SqsCallException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static URI hostOf(String queueUrl) {
        URI queue = URI.create(queueUrl);
        return URI.create(queue.getScheme() + "://" + queue.getRawAuthority());
    }

    private static String read(HttpExecuteResponse response) throws IOException {
        if (response.responseBody().isEmpty()) {
            return "";
        }
        try (InputStream in = response.responseBody().get()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String errorOf(String answer) {
        try {
            JsonObject error = JsonParser.parseString(answer).getAsJsonObject();
            String type = error.has("__type") ? error.get("__type").getAsString() : "unknown error";
            String message = error.has("message") ? error.get("message").getAsString()
                    : error.has("Message") ? error.get("Message").getAsString() : "";
            return type + ": " + message;
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            return answer.length() > 200 ? answer.substring(0, 200) : answer;
        }
    }

    private static List<Failure> failuresOf(String answer) {
        JsonElement parsed = JsonParser.parseString(answer.isBlank() ? "{}" : answer);
        List<Failure> failures = new ArrayList<>();
        if (parsed.isJsonObject() && parsed.getAsJsonObject().get("Failed") instanceof JsonArray failed) {
            for (JsonElement item : failed) {
                JsonObject entry = item.getAsJsonObject();
                failures.add(new Failure(text(entry, "Id"), text(entry, "Code"), text(entry, "Message")));
            }
        }
        return failures;
    }

    private static String text(JsonObject object, String name) {
        JsonElement value = object.get(name);
        return value == null || value.isJsonNull() ? "" : value.getAsString();
    }
}
