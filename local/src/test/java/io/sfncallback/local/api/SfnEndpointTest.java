package io.sfncallback.local.api;

import com.google.gson.JsonObject;
import io.sfncallback.local.asl.DefinitionParser;
import io.sfncallback.local.engine.ExecutionEngine;
import io.sfncallback.local.json.Json;
import io.sfncallback.local.support.Definitions;
import io.sfncallback.local.support.RecordingSender;
import io.sfncallback.local.support.SfnClients;
import io.sfncallback.testkit.CallbackLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.InvalidExecutionInputException;
import software.amazon.awssdk.services.sfn.model.InvalidNameException;
import software.amazon.awssdk.services.sfn.model.InvalidOutputException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.ListExecutionsResponse;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.CHOICE_STATE_ENTERED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.CHOICE_STATE_EXITED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.EXECUTION_ABORTED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.EXECUTION_FAILED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.EXECUTION_STARTED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.EXECUTION_SUCCEEDED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.FAIL_STATE_ENTERED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.SUCCEED_STATE_ENTERED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.SUCCEED_STATE_EXITED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.TASK_FAILED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.TASK_SCHEDULED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.TASK_STARTED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.TASK_STATE_ENTERED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.TASK_STATE_EXITED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.TASK_SUBMITTED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.TASK_SUCCEEDED;
import static software.amazon.awssdk.services.sfn.model.HistoryEventType.TASK_TIMED_OUT;

/**
 * The Step Functions endpoint through the real AWS SDK, with the test playing the worker: it takes the message
 * the Task sends and calls SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat itself.
 */
class SfnEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final RecordingSender sender = new RecordingSender();
    private static ExecutionEngine engine;
    private static SfnHttpServer server;
    private static SfnClient sfn;
    private static final CallbackLedger ledger = new CallbackLedger();

    @BeforeAll
    static void start() throws Exception {
        Arns arns = new Arns("aws", "us-east-1", "123456789012");
        engine = new ExecutionEngine(Clock.systemUTC(), sender, "us-east-1");
        StateMachines machines = new StateMachines(arns, Clock.systemUTC(), new DefinitionParser());
        server = SfnHttpServer.start("127.0.0.1", 0, new SfnApi(arns, machines, engine, ledger));
        sfn = SfnClients.local(server.endpoint());
    }

    @AfterAll
    static void stop() {
        sfn.close();
        server.close();
        engine.close();
    }

    private static String machine(String definition) {
        return sfn.createStateMachine(b -> b.name("m-" + UUID.randomUUID()).definition(definition)
                .roleArn("arn:aws:iam::123456789012:role/local")).stateMachineArn();
    }

    private static String projectMachine(int heartbeat, int timeout) {
        return machine(Definitions.project(heartbeat, timeout));
    }

    private static String start(String machineArn, String input) {
        return sfn.startExecution(b -> b.stateMachineArn(machineArn).input(input)).executionArn();
    }

    /** The message body the Task sent, parsed. */
    private static JsonObject nextMessage() throws InterruptedException {
        return Json.parse(sender.next(WAIT).body()).getAsJsonObject();
    }

    private static String token(JsonObject message) {
        return message.get("TaskToken").getAsString();
    }

    @Test
    void aSuccessfulCallbackPutsTheResultAtResultPathAndSucceeds() throws Exception {
        String machineArn = projectMachine(60, 3600);
        String executionArn = start(machineArn, "{\"order\":42}");
        JsonObject message = nextMessage();
        assertEquals(executionArn, message.get("ExecutionArn").getAsString());
        assertEquals(Json.parse("{\"order\":42}"), message.get("Input"));

        sfn.sendTaskSuccess(b -> b.taskToken(token(message)).output("{\"status\":\"done\"}"));

        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, executionArn, WAIT);
        assertEquals(ExecutionStatus.SUCCEEDED, execution.status());
        assertEquals(Json.parse("{\"order\":42,\"result\":{\"status\":\"done\"}}"), Json.parse(execution.output()));
        assertEquals("{\"order\":42}", execution.input());
        assertTrue(!execution.stopDate().isBefore(execution.startDate()));
        assertEquals(List.of(EXECUTION_STARTED, TASK_STATE_ENTERED, TASK_SCHEDULED, TASK_STARTED, TASK_SUBMITTED,
                TASK_SUCCEEDED, TASK_STATE_EXITED, HistoryEventType.CHOICE_STATE_ENTERED,
                HistoryEventType.CHOICE_STATE_EXITED, SUCCEED_STATE_ENTERED, SUCCEED_STATE_EXITED, EXECUTION_SUCCEEDED),
                SfnClients.types(sfn, executionArn));
        List<HistoryEvent> history = SfnClients.history(sfn, executionArn);
        HistoryEvent scheduled = history.get(2);
        assertEquals("sqs", scheduled.taskScheduledEventDetails().resourceType());
        assertEquals("sendMessage.waitForTaskToken", scheduled.taskScheduledEventDetails().resource());
        assertEquals(60L, scheduled.taskScheduledEventDetails().heartbeatInSeconds());
        assertEquals(3600L, scheduled.taskScheduledEventDetails().timeoutInSeconds());
        JsonObject parameters = Json.parse(scheduled.taskScheduledEventDetails().parameters()).getAsJsonObject();
        assertEquals(Definitions.QUEUE_URL, parameters.get("QueueUrl").getAsString());
        assertEquals("{\"order\":42}", history.get(0).executionStartedEventDetails().input());
        assertEquals("{\"status\":\"done\"}", history.get(5).taskSucceededEventDetails().output());
        assertEquals("WaitForWorker", history.get(1).stateEnteredEventDetails().name());
    }

    @Test
    void aFailureCallbackIsCaughtAndTheFailStateKeepsItsErrorAndCause() throws Exception {
        String executionArn = start(projectMachine(60, 3600), "{}");
        String token = token(nextMessage());
        sfn.sendTaskFailure(b -> b.taskToken(token).error("Demo.Rejected").cause("not today"));

        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, executionArn, WAIT);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Demo.Rejected", execution.error());
        assertEquals("not today", execution.cause());
        List<HistoryEvent> history = SfnClients.history(sfn, executionArn);
        // The WorkerFailure Choice picks the Fail state by which of error and cause were sent.
        assertEquals(List.of(TASK_SUBMITTED, TASK_FAILED, TASK_STATE_EXITED, CHOICE_STATE_ENTERED, CHOICE_STATE_EXITED,
                FAIL_STATE_ENTERED, EXECUTION_FAILED), history.stream().map(HistoryEvent::type).toList().subList(4, 11));
        assertEquals("Demo.Rejected", history.get(5).taskFailedEventDetails().error());
        assertEquals(Json.parse("{\"Error\":\"Demo.Rejected\",\"Cause\":\"not today\"}"),
                Json.parse(history.get(6).stateExitedEventDetails().output()), "the catcher's ResultPath $");
    }

    /**
     * A heartbeat expiry is recorded as States.Timeout with no cause (TaskTimedOut: LocalStack parity snapshot
     * tests/aws/services/stepfunctions/v2/timeouts/test_heartbeats.snapshot.json, recorded against AWS 2024-04-18),
     * yet only the project's States.HeartbeatTimeout catcher takes it, to the Fail state NoHeartbeat.
     */
    @Test
    void withoutHeartbeatsTheTaskTimesOutAsStatesTimeoutAndTheHeartbeatCatcherTakesIt() throws Exception {
        String executionArn = start(projectMachine(1, 30), "{}");
        nextMessage();
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, executionArn, WAIT);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Task.NoHeartbeat", execution.error());
        assertTrue(execution.cause().contains("nobody is working on the task any more"), execution.cause());
        List<HistoryEvent> history = SfnClients.history(sfn, executionArn);
        HistoryEvent timedOut = history.stream().filter(event -> event.type() == TASK_TIMED_OUT).findFirst().orElseThrow();
        assertEquals("States.Timeout", timedOut.taskTimedOutEventDetails().error());
        assertNull(timedOut.taskTimedOutEventDetails().cause());
        HistoryEvent failEntered = history.stream().filter(event -> event.type() == FAIL_STATE_ENTERED).findFirst()
                .orElseThrow();
        assertEquals("NoHeartbeat", failEntered.stateEnteredEventDetails().name());
        assertEquals("{}", failEntered.stateEnteredEventDetails().input(), "ResultPath null keeps the input");
    }

    @Test
    void heartbeatsKeepASlowTaskAliveUntilItSucceeds() throws Exception {
        // Heartbeats every 250 ms against HeartbeatSeconds 4 for twice as long: slack for a busy machine.
        String executionArn = start(projectMachine(4, 60), "{}");
        String token = token(nextMessage());
        long until = System.currentTimeMillis() + 8000;
        while (System.currentTimeMillis() < until) {
            sfn.sendTaskHeartbeat(b -> b.taskToken(token));
            Thread.sleep(250);
        }
        sfn.sendTaskSuccess(b -> b.taskToken(token).output("{}"));
        assertEquals(ExecutionStatus.SUCCEEDED, SfnClients.awaitEnd(sfn, executionArn, WAIT).status());
        assertEquals(ledger.snapshot().get(token).acceptedCompletions(), 1);
        assertTrue(ledger.snapshot().get(token).heartbeats() >= 16);
    }

    @Test
    void heartbeatsDoNotExtendTimeoutSecondsTheTaskFailsWithStatesTimeout() throws Exception {
        // Heartbeats every 200 ms against HeartbeatSeconds 4: only TimeoutSeconds (5) can end the task.
        String executionArn = start(projectMachine(4, 5), "{}");
        String token = token(nextMessage());
        Thread heartbeats = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    sfn.sendTaskHeartbeat(b -> b.taskToken(token));
                    Thread.sleep(200);
                }
            } catch (TaskTimedOutException | InterruptedException e) {
                // the task is closed: what this test waits for
            }
        });
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, executionArn, WAIT);
        heartbeats.join(5000);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Task.TookTooLong", execution.error(), "the States.Timeout catcher, not the heartbeat one");
        HistoryEvent timedOut = SfnClients.history(sfn, executionArn).stream()
                .filter(event -> event.type() == TASK_TIMED_OUT).findFirst().orElseThrow();
        assertEquals("States.Timeout", timedOut.taskTimedOutEventDetails().error());
    }

    @Test
    void lateDuplicateAndGarbledCallbacksAnswerLikeAws() throws Exception {
        String executionArn = start(projectMachine(60, 3600), "{}");
        String token = token(nextMessage());
        sfn.sendTaskSuccess(b -> b.taskToken(token).output("{}"));
        SfnClients.awaitEnd(sfn, executionArn, WAIT);

        assertThrows(TaskTimedOutException.class, () -> sfn.sendTaskSuccess(b -> b.taskToken(token).output("{}")));
        assertThrows(TaskTimedOutException.class, () -> sfn.sendTaskFailure(b -> b.taskToken(token).error("X")));
        assertThrows(TaskTimedOutException.class, () -> sfn.sendTaskHeartbeat(b -> b.taskToken(token)));
        assertThrows(InvalidTokenException.class, () -> sfn.sendTaskSuccess(b -> b.taskToken("garbled").output("{}")));
        assertEquals(new CallbackLedger.Counts(3, 1, 1), ledger.snapshot().get(token));
    }

    @Test
    void requestsOutsideTheDocumentedLimitsAreValidationErrors() throws Exception {
        String executionArn = start(projectMachine(60, 3600), "{}");
        String token = token(nextMessage());
        assertValidation(() -> sfn.sendTaskHeartbeat(b -> b.taskToken("t".repeat(2049))));
        assertValidation(() -> sfn.sendTaskHeartbeat(b -> b.taskToken("")));
        assertValidation(() -> sfn.sendTaskFailure(b -> b.taskToken(token).error("e".repeat(257))));
        assertValidation(() -> sfn.sendTaskFailure(b -> b.taskToken(token).cause("c".repeat(32_769))));
        assertValidation(() -> sfn.sendTaskSuccess(b -> b.taskToken(token)
                .output("\"" + "é".repeat(131_072) + "\"")));
        assertThrows(InvalidOutputException.class, () -> sfn.sendTaskSuccess(b -> b.taskToken(token).output("{nope")));
        // At the limits everything is accepted: a 2048-character token is only unknown.
        assertThrows(InvalidTokenException.class, () -> sfn.sendTaskHeartbeat(b -> b.taskToken("t".repeat(2048))));
        sfn.sendTaskFailure(b -> b.taskToken(token).error("e".repeat(256)).cause("c".repeat(32_768)));
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, executionArn, WAIT);
        assertEquals("e".repeat(256), execution.error());
        assertEquals(32_768, execution.cause().length());
    }

    private static void assertValidation(org.junit.jupiter.api.function.Executable call) {
        SfnException error = assertThrows(SfnException.class, call);
        assertEquals("ValidationException", error.awsErrorDetails().errorCode(), error.getMessage());
        assertEquals(400, error.statusCode());
    }

    @Test
    void startExecutionIsIdempotentForARunningExecutionWithTheSameNameAndInput() throws Exception {
        String machineArn = projectMachine(60, 3600);
        String first = sfn.startExecution(b -> b.stateMachineArn(machineArn).name("same").input("{\"a\":1}"))
                .executionArn();
        String again = sfn.startExecution(b -> b.stateMachineArn(machineArn).name("same").input("{\"a\":1}"))
                .executionArn();
        assertEquals(first, again);
        assertTrue(first.endsWith(":execution:" + machineArn.substring(machineArn.lastIndexOf(':') + 1) + ":same"));
        assertThrows(ExecutionAlreadyExistsException.class,
                () -> sfn.startExecution(b -> b.stateMachineArn(machineArn).name("same").input("{\"a\":2}")));
        sfn.sendTaskSuccess(b -> {
            try {
                b.taskToken(token(nextMessage())).output("{}");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        SfnClients.awaitEnd(sfn, first, WAIT);
        assertThrows(ExecutionAlreadyExistsException.class,
                () -> sfn.startExecution(b -> b.stateMachineArn(machineArn).name("same").input("{\"a\":1}")));
    }

    @Test
    void badStartAndDescribeRequestsGetTheirAwsErrors() {
        String machineArn = projectMachine(60, 3600);
        assertThrows(InvalidExecutionInputException.class, () -> start(machineArn, "{not json"));
        assertThrows(InvalidNameException.class,
                () -> sfn.startExecution(b -> b.stateMachineArn(machineArn).name("has space")));
        assertThrows(StateMachineDoesNotExistException.class,
                () -> start("arn:aws:states:us-east-1:123456789012:stateMachine:nope", "{}"));
        assertThrows(InvalidArnException.class, () -> start("not-an-arn", "{}"));
        assertThrows(ExecutionDoesNotExistException.class, () -> sfn.describeExecution(
                b -> b.executionArn("arn:aws:states:us-east-1:123456789012:execution:nope:nope")));
        SfnException unsupported = assertThrows(SfnException.class, () -> machine(
                "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}"));
        assertEquals("InvalidDefinition", unsupported.awsErrorDetails().errorCode());
        assertTrue(unsupported.getMessage().contains("'Pass'"), unsupported.getMessage());
    }

    @Test
    void listExecutionsFiltersByStatusAndPagesNewestFirst() throws Exception {
        String machineArn = projectMachine(60, 3600);
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            started.add(start(machineArn, "{\"n\":" + i + "}"));
            nextMessage();
            Thread.sleep(5);
        }
        sfn.stopExecution(b -> b.executionArn(started.get(0)).error("Test.Stop").cause("enough"));
        List<String> listed = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            String token = next;
            ListExecutionsResponse page = sfn.listExecutions(b -> b.stateMachineArn(machineArn).maxResults(2)
                    .nextToken(token));
            page.executions().stream().map(ExecutionListItem::executionArn).forEach(listed::add);
            next = page.nextToken();
            pages++;
        } while (next != null);
        assertEquals(3, pages);
        assertEquals(started.reversed(), listed);
        Set<String> running = sfn.listExecutions(b -> b.stateMachineArn(machineArn)
                .statusFilter(ExecutionStatus.RUNNING)).executions().stream()
                .map(ExecutionListItem::executionArn).collect(Collectors.toSet());
        assertEquals(Set.copyOf(started.subList(1, 5)), running);
        assertEquals(List.of(started.get(0)), sfn.listExecutions(b -> b.stateMachineArn(machineArn)
                .statusFilter(ExecutionStatus.ABORTED)).executions().stream().map(ExecutionListItem::executionArn).toList());
        assertThrows(InvalidTokenException.class,
                () -> sfn.listExecutions(b -> b.stateMachineArn(machineArn).nextToken("bogus")));
        for (String arn : started.subList(1, 5)) {
            sfn.stopExecution(b -> b.executionArn(arn));
        }
    }

    @Test
    void historyPagesInBothOrdersAndCanLeaveOutExecutionData() throws Exception {
        String machineArn = projectMachine(60, 3600);
        software.amazon.awssdk.services.sfn.model.DescribeStateMachineResponse machine =
                sfn.describeStateMachine(b -> b.stateMachineArn(machineArn));
        assertEquals(Definitions.project(60, 3600), machine.definition());
        assertEquals(software.amazon.awssdk.services.sfn.model.StateMachineStatus.ACTIVE, machine.status());
        String executionArn = start(machineArn, "{\"secret\":1}");
        sfn.sendTaskSuccess(b -> {
            try {
                b.taskToken(token(nextMessage())).output("{}");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        SfnClients.awaitEnd(sfn, executionArn, WAIT);
        List<HistoryEvent> all = SfnClients.history(sfn, executionArn);
        var firstPage = sfn.getExecutionHistory(b -> b.executionArn(executionArn).maxResults(3));
        assertEquals(all.subList(0, 3), firstPage.events());
        var secondPage = sfn.getExecutionHistory(b -> b.executionArn(executionArn).maxResults(3)
                .nextToken(firstPage.nextToken()));
        assertEquals(all.subList(3, 6), secondPage.events());
        var reversed = sfn.getExecutionHistory(b -> b.executionArn(executionArn).reverseOrder(true));
        assertEquals(all.reversed(), reversed.events());
        var withoutData = sfn.getExecutionHistory(b -> b.executionArn(executionArn).includeExecutionData(false));
        assertNull(withoutData.events().get(0).executionStartedEventDetails().input());
        assertEquals(all.size(), withoutData.events().size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i).id());
        }
    }

    @Test
    void theStateMachinesTimeoutSecondsEndsTheExecutionTimedOut() throws Exception {
        String machineArn = machine("""
                {"StartAt":"T","TimeoutSeconds":1,"States":{"T":{"Type":"Task",
                  "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  "Parameters":{"QueueUrl":"q","MessageBody":{"TaskToken.$":"$$.Task.Token"}},"End":true}}}""");
        String executionArn = start(machineArn, "{}");
        String token = token(nextMessage());
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, executionArn, WAIT);
        assertEquals(ExecutionStatus.TIMED_OUT, execution.status());
        assertEquals(software.amazon.awssdk.services.sfn.model.HistoryEventType.EXECUTION_TIMED_OUT,
                SfnClients.types(sfn, executionArn).getLast());
        // As recorded against AWS: no error and no cause (LocalStack parity snapshot
        // tests/aws/services/stepfunctions/v2/timeouts/test_timeouts.snapshot.json, test_global_timeout, 2024-03-10).
        assertNull(execution.error());
        assertNull(execution.cause());
        assertThrows(TaskTimedOutException.class, () -> sfn.sendTaskSuccess(b -> b.taskToken(token).output("{}")));
    }

    @Test
    void aFailStateWhoseErrorPathSelectsNothingFailsWithStatesRuntime() throws Exception {
        String machineArn = machine("""
                {"StartAt":"T","States":{"T":{"Type":"Task",
                  "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  "Parameters":{"QueueUrl":"q","MessageBody":{"TaskToken.$":"$$.Task.Token"}},
                  "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"F"}],"End":true},
                  "F":{"Type":"Fail","ErrorPath":"$.nowhere","Cause":"c"}}}""");
        String executionArn = start(machineArn, "{}");
        String token = token(nextMessage());
        sfn.sendTaskFailure(b -> b.taskToken(token).error("Any"));
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, executionArn, WAIT);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("States.Runtime", execution.error());
        assertTrue(execution.cause().contains("$.nowhere"), execution.cause());
    }

    @Test
    void stopExecutionAbortsAndClosesTheTask() throws Exception {
        String executionArn = start(projectMachine(60, 3600), "{}");
        String token = token(nextMessage());
        sfn.stopExecution(b -> b.executionArn(executionArn).error("Ops.Stop").cause("by hand"));
        DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(executionArn));
        assertEquals(ExecutionStatus.ABORTED, execution.status());
        assertEquals("Ops.Stop", execution.error());
        assertNull(execution.output());
        assertEquals(EXECUTION_ABORTED, SfnClients.types(sfn, executionArn).getLast());
        assertThrows(TaskTimedOutException.class, () -> sfn.sendTaskSuccess(b -> b.taskToken(token).output("{}")));
    }

    @Test
    void retriesSendANewMessageWithANewTokenAndTheContextObjectReachesParameters() throws Exception {
        String definition = """
                {"StartAt":"T","States":{"T":{"Type":"Task",
                  "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  "Parameters":{"QueueUrl":"q","MessageBody":{"TaskToken.$":"$$.Task.Token",
                    "Name.$":"$$.Execution.Name","Retry.$":"$$.State.RetryCount","State.$":"$$.State.Name",
                    "Machine.$":"$$.StateMachine.Name","Entered.$":"$$.State.EnteredTime","Id.$":"$.id"}},
                  "Retry":[{"ErrorEquals":["Custom.Transient"],"IntervalSeconds":1,"MaxAttempts":2}],
                  "ResultPath":null,"End":true}}}""";
        String machineArn = machine(definition);
        String executionArn = sfn.startExecution(b -> b.stateMachineArn(machineArn).name("ctx").input("{\"id\":7}"))
                .executionArn();
        JsonObject first = nextMessage();
        assertEquals("ctx", first.get("Name").getAsString());
        assertEquals(0, first.get("Retry").getAsInt());
        assertEquals("T", first.get("State").getAsString());
        assertEquals(machineArn.substring(machineArn.lastIndexOf(':') + 1), first.get("Machine").getAsString());
        assertTrue(first.get("Entered").getAsString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        assertEquals(7, first.get("Id").getAsInt());
        sfn.sendTaskFailure(b -> b.taskToken(token(first)).error("Custom.Transient"));
        JsonObject second = nextMessage();
        assertNotEquals(token(first), token(second));
        assertEquals(1, second.get("Retry").getAsInt());
        assertThrows(TaskTimedOutException.class, () -> sfn.sendTaskSuccess(b -> b.taskToken(token(first)).output("1")));
        sfn.sendTaskSuccess(b -> b.taskToken(token(second)).output("{\"ignored\":true}"));
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, executionArn, WAIT);
        assertEquals(ExecutionStatus.SUCCEEDED, execution.status());
        assertEquals(Json.parse("{\"id\":7}"), Json.parse(execution.output()), "ResultPath null keeps the input");
        assertEquals(2, SfnClients.types(sfn, executionArn).stream().filter(t -> t == TASK_SCHEDULED).count());
    }

    @Test
    void sqsSendFailuresAreRetriedByTheProjectRetrierThenCaught() throws Exception {
        sender.failNext(4);
        int before = sender.attempts();
        String executionArn = start(projectMachine(60, 3600), "{}");
        DescribeExecutionResponse execution = SfnClients.awaitEnd(sfn, executionArn, WAIT);
        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("SQS.AmazonSQSException", execution.error());
        assertEquals(4, sender.attempts() - before, "the first attempt and MaxAttempts 3 retries");
        assertEquals(4, SfnClients.types(sfn, executionArn).stream().filter(t -> t == TASK_FAILED).count());
    }
}
