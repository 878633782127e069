package io.sfncallback.core.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfncallback.core.snapstart.CannedHttpClient.Answer;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

class CannedHttpClientTest {

    private final List<CannedHttpClient.Request> seen = new CopyOnWriteArrayList<>();
    private final CannedHttpClient http = new CannedHttpClient(request -> {
        seen.add(request);
        return request.body().contains("closed")
                ? Answer.jsonError(400, "TaskTimedOut", "Task Timed Out")
                : Answer.json("{}");
    });

    private SfnClient sfn() {
        return SfnClient.builder()
                .httpClient(http)
                .region(Region.US_EAST_1)
                // A port nothing listens on: an answer can only have come from the canned client.
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .build();
    }

    @Test
    void theResponderSeesTheSignedRequestTheSdkWouldSend() {
        try (SfnClient sfn = sfn()) {
            sfn.sendTaskSuccess(r -> r.taskToken("open").output("{}"));
        }

        assertThat(seen).singleElement().satisfies(request -> {
            assertThat(request.target()).isEqualTo("AWSStepFunctions.SendTaskSuccess");
            assertThat(request.body()).isEqualTo("{\"taskToken\":\"open\",\"output\":\"{}\"}");
            assertThat(request.http().firstMatchingHeader("Authorization")).hasValueSatisfying(v -> assertThat(v).startsWith("AWS4-HMAC-SHA256"));
        });
        assertThat(http.requests()).isEqualTo(1);
    }

    @Test
    void anErrorAnswerBecomesTheServicesException() {
        try (SfnClient sfn = sfn()) {
            assertThatThrownBy(() -> sfn.sendTaskHeartbeat(r -> r.taskToken("closed")))
                    .isInstanceOf(TaskTimedOutException.class)
                    .hasMessageContaining("Task Timed Out");
        }
    }
}
