package io.sfncallback.local.esm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sfncallback.local.LocalStack;
import io.sfncallback.local.sqs.EmbeddedSqs;
import io.sfncallback.local.sqs.Queues;
import io.sfncallback.local.support.Await;
import io.sfncallback.local.support.CapturingLog;
import io.sfncallback.local.support.StandInHandlerSource;
import io.sfncallback.local.support.StandInWorkerJar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

class EventSourceMappingTest {

    private static final String REGION = "us-east-1";
    private static EmbeddedSqs server;
    private static SqsClient sqs;
    private static Path jar;
    private static int queueNumber;

    @TempDir
    static Path directory;

    private final CapturingLog log = new CapturingLog();
    private Queues queues;
    private WorkerFunction function;
    private EventSourceMapping mapping;

    @BeforeAll
    static void startSqs() throws Exception {
        server = EmbeddedSqs.start("127.0.0.1", 0, REGION, "123456789012");
        sqs = LocalStack.sqsClient(server.endpoint(), REGION);
        jar = StandInWorkerJar.build(directory, StandInHandlerSource.CLASS_NAME, StandInHandlerSource.SOURCE);
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
        server.close();
    }

    @AfterEach
    void stopMapping() throws Exception {
        if (mapping != null) {
            mapping.close();
        }
        if (function != null) {
            function.close();
        }
    }

    private void start(int maxReceiveCount, int functionTimeoutSeconds, int maxConcurrency, int batchSize)
            throws Exception {
        queueNumber++;
        queues = Queues.create(sqs, "tasks-" + queueNumber, "dead-letters-" + queueNumber, 1, maxReceiveCount);
        FunctionSettings settings = new FunctionSettings(jar, StandInHandlerSource.CLASS_NAME, "stand-in-worker",
                Map.of("TASKS_QUEUE_URL", queues.tasksQueueUrl()), functionTimeoutSeconds, 512, REGION,
                "123456789012");
        function = new WorkerFunction(settings, queues.tasksQueueArn(), log);
        mapping = new EventSourceMapping(sqs, function, new EventSourceMapping.Settings(queues.tasksQueueUrl(),
                batchSize, 0, maxConcurrency, functionTimeoutSeconds, 1), log);
        mapping.start();
    }

    private void send(String body) {
        sqs.sendMessage(builder -> builder.queueUrl(queues.tasksQueueUrl()).messageBody(body));
    }

    private int messagesIn(String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(GetQueueAttributesRequest.builder()
                .queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)
                .build()).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private List<Message> deadLetters() {
        return sqs.receiveMessage(ReceiveMessageRequest.builder().queueUrl(queues.deadLetterQueueUrl())
                .maxNumberOfMessages(10).messageSystemAttributeNames(MessageSystemAttributeName.ALL).build()).messages();
    }

    @Test
    void deletesSuccessfulRecordsAndGivesTheHandlerTheLambdaEventAndContext() throws Exception {
        start(3, 10, 2, 10);
        send("{\"ok\":1}");
        Await.until(Duration.ofSeconds(20), "the record to be deleted",
                () -> !log.containing("ok").isEmpty() && messagesIn(queues.tasksQueueUrl()) == 0);
        String line = log.containing("ok").get(0).text();
        assertTrue(line.contains("\"receiveCount\":\"1\""), line);
        assertTrue(line.contains("\"function\":\"stand-in-worker\""), line);
        assertTrue(line.contains("\"remainingPositive\":true"), line);
        assertTrue(line.contains("\"eventSourceArn\":\"" + queues.tasksQueueArn() + "\""), line);
        assertTrue(line.contains("\"queueEnv\":\"" + queues.tasksQueueUrl() + "\""), line);
        assertEquals("INFO", log.containing("ok").get(0).level());
    }

    @Test
    void batchItemFailuresComeBackUntilTheRedrivePolicyMovesThemToTheDeadLetterQueue() throws Exception {
        start(2, 10, 2, 10);
        send("{\"fail-record\":1}");
        Await.until(Duration.ofSeconds(30), "the failed record in the DLQ",
                () -> messagesIn(queues.deadLetterQueueUrl()) == 1);
        assertEquals(0, messagesIn(queues.tasksQueueUrl()));
        assertEquals(2, log.containing("fail-record").size(), "one invocation per allowed receive");
        assertTrue(log.containing("fail-record").get(1).text().contains("\"receiveCount\":\"2\""));
    }

    @Test
    void aHandlerThatThrowsFailsTheWholeBatch() throws Exception {
        start(2, 10, 2, 10);
        send("{\"throw\":1}");
        Await.until(Duration.ofSeconds(30), "the record of the failed batch in the DLQ",
                () -> messagesIn(queues.deadLetterQueueUrl()) == 1);
        assertFalse(log.containing("all 1 records will be retried").isEmpty());
    }

    @Test
    void aResponseNamingAnUnknownItemIdentifierFailsTheWholeBatch() throws Exception {
        start(2, 10, 2, 10);
        send("{\"bogus-id\":1}");
        Await.until(Duration.ofSeconds(30), "the record in the DLQ", () -> messagesIn(queues.deadLetterQueueUrl()) == 1);
        assertFalse(log.containing("not a message of this batch").isEmpty());
    }

    @Test
    void anInvocationThatOverrunsTheFunctionTimeoutFailsAndTheNextOneGetsAFreshEnvironment() throws Exception {
        start(5, 1, 2, 1);
        send("{\"sleep\":1}");
        Await.until(Duration.ofSeconds(20), "the timeout to be reported",
                () -> !log.containing("Task timed out after 1 seconds").isEmpty());
        send("{\"ok\":2}");
        Await.until(Duration.ofSeconds(20), "a later record to be processed", () -> !log.containing("ok").isEmpty());
    }

    @Test
    void aFunctionWhoseInitFailsFailsTheStartAtOnceWithItsInitError() throws Exception {
        queueNumber++;
        queues = Queues.create(sqs, "tasks-" + queueNumber, "dead-letters-" + queueNumber, 1, 3);
        FunctionSettings settings = new FunctionSettings(jar, StandInHandlerSource.CLASS_NAME, "stand-in-worker",
                Map.of("FAIL_INIT", "com.example.Missing"), 10, 512, REGION, "123456789012");
        function = new WorkerFunction(settings, queues.tasksQueueArn(), log);
        EventSourceMapping failing = new EventSourceMapping(sqs, function, new EventSourceMapping.Settings(
                queues.tasksQueueUrl(), 1, 0, 2, 10, 1), log);
        WorkerFunction.InvocationFailure error = assertThrows(WorkerFunction.InvocationFailure.class, failing::start);
        assertTrue(error.getMessage().contains("com.example.Missing"), error.getMessage());
        failing.close();
    }

    @Test
    void neverRunsMoreInvocationsAtOnceThanTheMaximumConcurrency() throws Exception {
        start(3, 10, 3, 1);
        for (int i = 0; i < 12; i++) {
            send("{\"ok\":" + i + "}");
        }
        Await.until(Duration.ofSeconds(30), "every record to be processed",
                () -> messagesIn(queues.tasksQueueUrl()) == 0 && mapping.invocations() >= 12);
        assertTrue(mapping.maxConcurrentInvocations() <= 3, "at most 3, saw " + mapping.maxConcurrentInvocations());
        assertTrue(deadLetters().isEmpty());
    }
}
