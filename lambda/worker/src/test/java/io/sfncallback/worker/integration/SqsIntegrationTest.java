package io.sfncallback.worker.integration;

import static io.sfncallback.testkit.Messages.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.testkit.FakeStepFunctions;
import io.sfncallback.testkit.TestPoller;
import io.sfncallback.worker.CallbackHandler;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The worker on a real SQS-compatible queue (ElasticMQ) with a dead-letter queue, fed by a poller
 * that behaves like the event source mapping, calling back a Step Functions endpoint that keeps a
 * ledger of every task. Proves that every message ends completed, failed or dead-lettered: none is
 * lost and none is completed twice.
 */
@Timeout(120)
class SqsIntegrationTest {

    private static final int MAX_RECEIVE_COUNT = 3;
    /** Longer than any test: a record comes back early only because the worker set its retry delay. */
    private static final int QUEUE_VISIBILITY_SECONDS = 300;

    private static final java.util.concurrent.atomic.AtomicInteger QUEUES = new java.util.concurrent.atomic.AtomicInteger();
    private static SQSRestServer elasticMq;
    private static String sqsEndpoint;
    private static SqsClient sqs;

    private FakeStepFunctions stepFunctions;
    private String queueUrl;
    private String queueArn;
    private String dlqUrl;
    private Map<String, String> env;
    private TestPoller poller;
    private final CapturingLogger logger = new CapturingLogger();
    private final List<String> tokens = new ArrayList<>();

    @BeforeAll
    static void startSqs() {
        elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        sqsEndpoint = "http://127.0.0.1:" + elasticMq.waitUntilStarted().localAddress().getPort();
        sqs = SqsClient.builder()
                .endpointOverride(URI.create(sqsEndpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
        elasticMq.stopAndWait();
    }

    @BeforeEach
    void queuesAndWorker() throws Exception {
        String name = "tasks-" + QUEUES.incrementAndGet();
        dlqUrl = sqs.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        queueUrl = sqs.createQueue(r -> r.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(QUEUE_VISIBILITY_SECONDS),
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}"))).queueUrl();
        queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        stepFunctions = new FakeStepFunctions();
        env = new HashMap<>();
        env.put("AWS_ENDPOINT_URL_SFN", stepFunctions.endpoint());
        env.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint);
        env.put("TASKS_QUEUE_URL", queueUrl);
        env.put("RETRY_DELAY_SECONDS", "1");
        env.put("MAX_RECEIVE_COUNT", Integer.toString(MAX_RECEIVE_COUNT));
        env.put("SFN_MAX_ATTEMPTS", "1");
        poller = new TestPoller(sqs, queueUrl, queueArn, new CallbackHandler(env), 10);
    }

    @AfterEach
    void stopStepFunctions() {
        if (stepFunctions != null) {
            stepFunctions.close();
        }
    }

    private String task(String name, String input) {
        String token = "token-" + name + "-" + tokens.size();
        tokens.add(token);
        stepFunctions.open(token);
        send(body(token, input));
        return token;
    }

    private void send(String body) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body));
    }

    private int count(String url, QueueAttributeName attribute) {
        return Integer.parseInt(sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(attribute)).attributes().get(attribute));
    }

    private boolean queueEmpty() {
        return count(queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES) == 0
                && count(queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE) == 0
                && count(queueUrl, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED) == 0;
    }

    /** Polls like the event source mapping until the tasks queue holds nothing at all. */
    private void drain() {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!queueEmpty()) {
            assertThat(System.nanoTime()).as("the queue drains").isLessThan(deadline);
            poller.pollOnce(logger);
        }
    }

    private List<Message> deadLetters() {
        return deadLetters(0);
    }

    /**
     * The dead-letter queue's messages, once at least {@code expected} have arrived: the queue moves a message to
     * its DLQ on the receive after the last allowed one, and on a busy machine the move can land a moment after
     * the tasks queue already reads empty. Waits at most 30 s, then returns what there is.
     */
    private List<Message> deadLetters(int expected) {
        List<Message> all = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Message> batch;
        do {
            int wait = all.size() < expected && System.nanoTime() < deadline ? 1 : 0;
            batch = sqs.receiveMessage(r -> r.queueUrl(dlqUrl).maxNumberOfMessages(10).waitTimeSeconds(wait)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            all.addAll(batch);
        } while (!batch.isEmpty() || (all.size() < expected && System.nanoTime() < deadline));
        return all;
    }

    @Test
    void aMixedBatchEndsCompletedFailedOrDeadLetteredAndNothingIsLost() {
        List<String> ok = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ok.add(task("ok", "{\"n\":" + i + "}"));
        }
        String rejected = task("rejected", "{\"mode\":\"reject\",\"error\":\"Order.Invalid\",\"reason\":\"no items\"}");
        String crashed = task("crashed", "{\"mode\":\"crash\"}");
        String retried = task("retried", "{\"mode\":\"retry\",\"succeedOnAttempt\":2}");
        String exhausted = task("exhausted", "{\"mode\":\"retry\"}");
        String flaky = task("flaky", "{}");
        stepFunctions.failNext(flaky, 1);
        send("{\"this is\": \"not a task\"}");
        send("plain text poison");

        drain();

        Map<String, FakeStepFunctions.Result> results = stepFunctions.results();
        assertThat(results.keySet()).as("every task was answered").containsExactlyInAnyOrderElementsOf(tokens);
        for (String token : tokens) {
            assertThat(stepFunctions.ledger().of(token).acceptedCompletions()).as("completed exactly once: " + token).isEqualTo(1);
        }
        ok.forEach(token -> assertThat(results.get(token).succeeded()).isTrue());
        assertThat(results.get(rejected)).isEqualTo(new FakeStepFunctions.Result(null, "Order.Invalid", "no items"));
        assertThat(results.get(crashed).error()).isEqualTo("Worker.Unhandled");
        assertThat(JsonParser.parseString(results.get(retried).output()).getAsJsonObject().get("attempt").getAsInt()).isEqualTo(2);
        assertThat(results.get(exhausted).error()).isEqualTo("Worker.RetriesExhausted");
        assertThat(results.get(exhausted).cause()).startsWith("the processor asked for a retry on receive 3 of 3 allowed");
        assertThat(results.get(flaky).succeeded()).as("a failed callback is retried from a redelivery").isTrue();

        List<Message> dead = deadLetters(2);
        assertThat(dead).extracting(Message::body).containsExactlyInAnyOrder("{\"this is\": \"not a task\"}", "plain text poison");
        assertThat(dead).allSatisfy(m -> assertThat(Integer.parseInt(
                m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))).isGreaterThanOrEqualTo(MAX_RECEIVE_COUNT));
    }

    @Test
    void aPoisonMessageIsDeadLetteredAfterTheMaxReceiveCountWhileItsBatchMatesComplete() {
        send("poison: not json");
        List<String> mates = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            mates.add(task("mate", "{\"n\":" + i + "}"));
        }

        int firstBatch = poller.pollOnce(logger);
        drain();

        assertThat(firstBatch).as("the poison message shares its first batch").isEqualTo(10);
        mates.forEach(token -> assertThat(stepFunctions.results().get(token).succeeded()).isTrue());
        assertThat(deadLetters(1)).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("poison: not json"));
        assertThat(logger.withMessage("record bad_message")).hasSize(MAX_RECEIVE_COUNT);
    }

    @Test
    void aDuplicateDeliveryCompletesTheTaskOnce() {
        String token = task("dup", "{\"n\":1}");
        send(body(token, "{\"n\":1}"));
        send(body(token, "{\"n\":1}"));

        drain();

        assertThat(stepFunctions.ledger().of(token).acceptedCompletions()).isEqualTo(1);
        assertThat(stepFunctions.ledger().of(token).refusedCompletions()).isEqualTo(2);
        assertThat(logger.withMessage("record task_closed")).as("each duplicate is one warning").hasSize(2);
        assertThat(deadLetters()).as("duplicates are not dead-lettered").isEmpty();
    }

    @Test
    void aRetryComesBackAfterTheWorkersDelayNotTheQueuesVisibilityTimeout() {
        String token = task("retry", "{\"mode\":\"retry\",\"succeedOnAttempt\":3}");
        long started = System.nanoTime();

        drain();

        assertThat(stepFunctions.results().get(token).succeeded()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("two retries took seconds, not two %d-second visibility timeouts", QUEUE_VISIBILITY_SECONDS)
                .isLessThan(Duration.ofSeconds(QUEUE_VISIBILITY_SECONDS));
        assertThat(poller.invocations()).isEqualTo(3);
    }

    /**
     * Issue 9, item 1, as reproduced on the local stack: retries that share a batch with records
     * slower than HeartbeatSeconds. Before, a retry's delay was set only when the whole batch ended
     * and nothing heartbeated it meanwhile, so every retry timed out. Now each retry gets its delay
     * as soon as it asks for it, and its next delivery (by the second, concurrent poller, as a second
     * invocation would) heartbeats it again at once.
     *
     * <p>Timings: HeartbeatSeconds 4, heartbeats every second, retry delay 1 s, slow records 8 s.
     * A retry is silent for about the retry delay plus one receive (2 s at most here); before the fix
     * it was silent for the slow records' 8 s and more.
     */
    @Test
    void retriesSharingABatchWithSlowRecordsKeepTheirTasksAlive() throws Exception {
        stepFunctions.heartbeatSeconds(Duration.ofSeconds(4));
        Map<String, String> fastHeartbeats = new HashMap<>(env);
        fastHeartbeats.put("HEARTBEAT_INTERVAL_SECONDS", "1");
        TestPoller twoInvocations = new TestPoller(sqs, queueUrl, queueArn, new CallbackHandler(fastHeartbeats), 10);
        List<String> slow = List.of(task("slow", "{\"mode\":\"slow\",\"seconds\":8}"), task("slow", "{\"mode\":\"slow\",\"seconds\":8}"));
        List<String> retries = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            retries.add(task("retry", "{\"mode\":\"retry\",\"succeedOnAttempt\":2}"));
        }

        ExecutorService invocations = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<Integer> firstBatch = new CompletableFuture<>();
            Future<?> first = invocations.submit(() -> twoInvocations.pollOnce(logger, firstBatch::complete));
            assertThat(firstBatch.get(30, TimeUnit.SECONDS)).as("all six records share one batch").isEqualTo(6);
            AtomicBoolean stop = new AtomicBoolean();
            Future<?> second = invocations.submit(() -> {
                while (!stop.get()) {
                    twoInvocations.pollOnce(logger);
                }
            });
            first.get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!queueEmpty()) {
                assertThat(System.nanoTime()).as("the queue drains").isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(100); // the queue's counts are the only signal: poll them
            }
            stop.set(true);
            second.get(30, TimeUnit.SECONDS);
        } finally {
            invocations.shutdownNow();
        }

        assertThat(stepFunctions.timedOut()).as("no task went HeartbeatSeconds without a heartbeat").isEmpty();
        for (String token : slow) {
            assertThat(stepFunctions.results().get(token).succeeded()).isTrue();
        }
        for (String token : retries) {
            FakeStepFunctions.Result result = stepFunctions.results().get(token);
            assertThat(result).as("retry %s answered", token).isNotNull();
            assertThat(JsonParser.parseString(result.output()).getAsJsonObject().get("attempt").getAsInt()).isEqualTo(2);
        }
    }
}
