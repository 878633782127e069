package io.sfncallback.worker.retry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/** The hand-made SQS call, as SQS's JSON 1.0 protocol defines it. */
class SqsVisibilityWireTest {

    @RegisterExtension
    static WireMockExtension sqs = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private SqsVisibility client(URI endpoint) {
        return new SqsVisibility(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(5)).build(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")), "eu-west-1", endpoint);
    }

    private static void answer(int status, String body) {
        sqs.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.0").withBody(body)));
    }

    @Test
    void sendsASignedJson10ChangeMessageVisibilityBatch() throws Exception {
        answer(200, "{\"Successful\":[{\"Id\":\"r0\"},{\"Id\":\"r1\"}]}");

        List<SqsVisibility.Failure> failures = client(URI.create(sqs.baseUrl())).changeVisibility(
                "https://sqs.eu-west-1.amazonaws.com/123456789012/tasks",
                List.of(new SqsVisibility.Entry("r0", "handle-0", 10), new SqsVisibility.Entry("r1", "handle-1", 10)));

        assertThat(failures).isEmpty();
        sqs.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AmazonSQS.ChangeMessageVisibilityBatch"))
                .withHeader("Content-Type", equalTo("application/x-amz-json-1.0"))
                .withHeader("Authorization", matching(
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/eu-west-1/sqs/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}"))
                .withHeader("X-Amz-Date", matching("\\d{8}T\\d{6}Z"))
                .withRequestBody(equalToJson("{\"QueueUrl\":\"https://sqs.eu-west-1.amazonaws.com/123456789012/tasks\","
                        + "\"Entries\":[{\"Id\":\"r0\",\"ReceiptHandle\":\"handle-0\",\"VisibilityTimeout\":10},"
                        + "{\"Id\":\"r1\",\"ReceiptHandle\":\"handle-1\",\"VisibilityTimeout\":10}]}")));
    }

    @Test
    void withoutAnEndpointTheQueueUrlsHostIsTheEndpoint() throws Exception {
        answer(200, "{}");
        String queueUrl = sqs.baseUrl() + "/000000000000/tasks";

        client(null).changeVisibility(queueUrl, List.of(new SqsVisibility.Entry("r0", "h", 5)));

        sqs.verify(postRequestedFor(urlEqualTo("/")).withRequestBody(equalToJson("{\"QueueUrl\":\"" + queueUrl + "\","
                + "\"Entries\":[{\"Id\":\"r0\",\"ReceiptHandle\":\"h\",\"VisibilityTimeout\":5}]}")));
    }

    @Test
    void entriesSqsCouldNotChangeAreReturned() throws Exception {
        answer(200, "{\"Successful\":[{\"Id\":\"r0\"}],\"Failed\":[{\"Id\":\"r1\",\"Code\":\"ReceiptHandleIsInvalid\","
                + "\"Message\":\"The receipt handle has expired\",\"SenderFault\":true}]}");

        List<SqsVisibility.Failure> failures = client(URI.create(sqs.baseUrl())).changeVisibility("https://q/1/t",
                List.of(new SqsVisibility.Entry("r0", "a", 1), new SqsVisibility.Entry("r1", "b", 1)));

        assertThat(failures).containsExactly(new SqsVisibility.Failure("r1", "ReceiptHandleIsInvalid", "The receipt handle has expired"));
    }

    @Test
    void anErrorAnswerNamesTheSqsErrorType() {
        answer(400, "{\"__type\":\"com.amazonaws.sqs#AccessDenied\",\"message\":\"not authorized to perform sqs:ChangeMessageVisibility\"}");

        assertThatThrownBy(() -> client(URI.create(sqs.baseUrl())).changeVisibility("https://q/1/t",
                List.of(new SqsVisibility.Entry("r0", "a", 1))))
                .isInstanceOf(SqsVisibility.SqsCallException.class)
                .hasMessage("HTTP 400 com.amazonaws.sqs#AccessDenied: not authorized to perform sqs:ChangeMessageVisibility");
    }

    @Test
    void aRefusedConnectionIsACallFailure() {
        assertThatThrownBy(() -> client(URI.create("http://127.0.0.1:1")).changeVisibility("https://q/1/t",
                List.of(new SqsVisibility.Entry("r0", "a", 1))))
                .isInstanceOf(SqsVisibility.SqsCallException.class);
    }
}
