package io.sfncallback.local.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.SnsException;

/**
 * The local SNS endpoint driven by the real AWS SDK v2 SNS client (the query protocol, as the approval handler sends
 * it): Publish lands in the outbox with its subject and String attributes and is answered with the message id; what
 * the endpoint does not do is refused with an error the SDK turns into the matching exception.
 */
class LocalSnsTest {

    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:approvals";
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private final Outbox outbox = new Outbox();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private LocalSns sns;
    private SnsClient client;

    @BeforeEach
    void start() throws Exception {
        sns = LocalSns.start("127.0.0.1", 0, Set.of(TOPIC), outbox, Clock.fixed(NOW, ZoneOffset.UTC), refusals::add);
        client = SnsClient.builder()
                .endpointOverride(URI.create(sns.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        sns.close();
    }

    @Test
    void aPublishToTheTopicLandsInTheOutboxWithItsSubjectAttributesAndMessageId() {
        String messageId = client.publish(r -> r.topicArn(TOPIC).subject("Approval requested: order-42")
                .message("Line one\nhttp://127.0.0.1:1/approvals/abc & <b>x</b> é")
                .messageAttributes(Map.of("approver", MessageAttributeValue.builder().dataType("String")
                        .stringValue("alice@example.com").build()))).messageId();

        assertEquals(1, outbox.messages().size());
        Outbox.Message message = outbox.messages().get(0);
        assertEquals(messageId, message.messageId());
        assertEquals(TOPIC, message.topicArn());
        assertEquals("Approval requested: order-42", message.subject());
        assertEquals("Line one\nhttp://127.0.0.1:1/approvals/abc & <b>x</b> é", message.body());
        assertEquals("alice@example.com", message.approver());
        assertEquals(NOW, message.sentAt());
    }

    @Test
    void anotherTopicIsNotFound() {
        NotFoundException error = assertThrows(NotFoundException.class, () -> client.publish(r -> r
                .topicArn("arn:aws:sns:us-east-1:123456789012:other").message("hi")));
        assertEquals(404, error.statusCode());
        assertTrue(outbox.messages().isEmpty());
    }

    @Test
    void anyOtherActionIsRefusedAsInvalidAction() {
        SnsException error = assertThrows(SnsException.class, () -> client.listTopics());
        assertEquals(400, error.statusCode());
        assertEquals("InvalidAction", error.awsErrorDetails().errorCode());
        assertTrue(error.awsErrorDetails().errorMessage().contains("supports only Publish"),
                error.awsErrorDetails().errorMessage());
        assertTrue(refusals.stream().anyMatch(line -> line.contains("InvalidAction")));
    }

    /** Publish's constraints: a Subject is ASCII, without line breaks, under 100 characters; a message is not empty. */
    @Test
    void publishParametersOutsideSnssConstraintsAreInvalid() {
        assertThrows(InvalidParameterException.class, () -> client.publish(r -> r.topicArn(TOPIC).message("")));
        assertThrows(InvalidParameterException.class, () -> client.publish(r -> r.topicArn(TOPIC).message("m")
                .subject("two\nlines")));
        assertThrows(InvalidParameterException.class, () -> client.publish(r -> r.topicArn(TOPIC).message("m")
                .subject("x".repeat(100))));
        assertThrows(InvalidParameterException.class, () -> client.publish(r -> r.phoneNumber("+15555550100")
                .message("m")));
        assertThrows(InvalidParameterException.class, () -> client.publish(r -> r.topicArn(TOPIC).message("m")
                .messageAttributes(Map.of("n", MessageAttributeValue.builder().dataType("Number")
                        .stringValue("1").build()))));
        assertEquals(99, "x".repeat(99).length());
        client.publish(r -> r.topicArn(TOPIC).message("m").subject("x".repeat(99)));
        assertEquals(1, outbox.messages().size());
    }

    @Test
    void aRequestThatIsNotAQueryPostGetsTheQueryErrorShape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(sns.endpoint() + "/?Action=Publish")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertTrue(response.body().startsWith("<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                + "<Error><Type>Sender</Type><Code>InvalidAction</Code>"), response.body());
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(sns.endpoint() + "/")).POST(HttpRequest.BodyPublishers.ofString("Action=Publish&Message="
                + "x".repeat(2 * 1024 * 1024))).header("Content-Type", "application/x-www-form-urlencoded").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertTrue(outbox.messages().isEmpty());
    }
}
