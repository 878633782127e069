package io.sfncallback.local;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.sfncallback.local.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A minimal AWS JSON 1.0 caller of the local Step Functions endpoint, for the demo execution. */
final class SfnJsonClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;

    SfnJsonClient(String endpoint) {
        this.endpoint = URI.create(endpoint + "/");
    }

    JsonObject call(String operation, JsonObject body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "AWSStepFunctions." + operation)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonElement parsed = Json.parseStrict(response.body()).orElse(new JsonObject());
        if (response.statusCode() != 200) {
            throw new IOException(operation + " answered " + response.statusCode() + ": " + response.body());
        }
        return parsed.getAsJsonObject();
    }
}
