package io.sfncallback.worker;

import static io.sfncallback.testkit.Messages.body;
import static io.sfncallback.testkit.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonObject;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.worker.batch.Deadline;
import io.sfncallback.worker.batch.Invocation;
import io.sfncallback.worker.batch.Outcome;
import io.sfncallback.worker.batch.RecordOutcome;
import io.sfncallback.worker.config.WorkerConfig;
import io.sfncallback.worker.processor.TaskContext;
import io.sfncallback.worker.processor.TaskProcessor;
import io.sfncallback.worker.processor.TaskResult;
import io.sfncallback.worker.retry.SqsVisibility;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SendTaskFailureRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskHeartbeatRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * Every record is covered from the moment its batch arrives until its final disposition (issue 9,
 * items 1 and 2): heartbeats from receipt, while it waits for a slot, while it works and while its
 * callback or its retry delay is on the way; and a record that will be delivered again gets its
 * retry delay as soon as its outcome is known, not when the slowest record of its batch ends.
 *
 * <p>The task's heartbeat clock starts when Step Functions sends the message, so time spent in the
 * queue and waiting inside a batch counts: the execution fails when no heartbeat or answer arrives
 * for HeartbeatSeconds
 * (<a href="https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskHeartbeat.html">SendTaskHeartbeat</a>).
 *
 * <p>No test here sleeps: each waits for the event it needs (a heartbeat, a visibility change),
 * with a generous limit that only a broken worker reaches.
 */
@Timeout(120)
class RecordCoverageTest {

    private static final long WAIT_SECONDS = 30;
    private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/tasks";

    private final SfnClient sfn = mock(SfnClient.class);
    private final SqsVisibility sqs = mock(SqsVisibility.class);
    private final CapturingLogger logger = new CapturingLogger();
    private final JsonLog log = new JsonLog(logger, LogLevel.INFO, "req", Clock.systemUTC());
    private final Beats heartbeats = new Beats();
    private final List<String> delayed = new CopyOnWriteArrayList<>();
    private Worker worker;

    @AfterEach
    void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    private Worker worker(TaskProcessor processor, int heartbeatSeconds, int maxConcurrent) {
        Map<String, String> env = new HashMap<>();
        env.put("HEARTBEAT_INTERVAL_SECONDS", Integer.toString(heartbeatSeconds));
        env.put("MAX_CONCURRENT_RECORDS", Integer.toString(maxConcurrent));
        env.put("TASKS_QUEUE_URL", QUEUE);
        env.put("RETRY_DELAY_SECONDS", "7");
        worker = new Worker(WorkerConfig.fromEnvironment(env), processor, sfn, () -> sqs, log);
        return worker;
    }

    /** Heartbeats counted per token, with a wait for the count to pass a value. */
    private static final class Beats {
        private final Map<String, Integer> counts = new HashMap<>();

        synchronized void add(String token) {
            counts.merge(token, 1, Integer::sum);
            notifyAll();
        }

        synchronized int of(String token) {
            return counts.getOrDefault(token, 0);
        }

        /** Waits until {@code token} has had more than {@code count} heartbeats; false after the limit. */
        synchronized boolean awaitMoreThan(String token, int count) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (of(token) <= count) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    /** Counts heartbeats per token; {@code then} runs after counting, on the heartbeat's thread. */
    private void countHeartbeats(Runnable then) {
        when(sfn.sendTaskHeartbeat(any(SendTaskHeartbeatRequest.class))).thenAnswer(call -> {
            SendTaskHeartbeatRequest request = call.getArgument(0);
            heartbeats.add(request.taskToken());
            then.run();
            return null;
        });
    }

    private int heartbeatsOf(String token) {
        return heartbeats.of(token);
    }

    /** Records every receipt handle whose visibility is changed; {@code then} runs after recording. */
    private void recordDelays(Runnable then) throws Exception {
        when(sqs.changeVisibility(eq(QUEUE), anyList())).thenAnswer(call -> {
            List<SqsVisibility.Entry> entries = call.getArgument(1);
            entries.forEach(e -> delayed.add(e.receiptHandle()));
            then.run();
            return List.of();
        });
    }

    private static SQSMessage task(String name, String mode) {
        JsonObject input = new JsonObject();
        input.addProperty("name", name);
        input.addProperty("mode", mode);
        return message(name, body("token-" + name, input));
    }

    private static String name(TaskContext context) {
        return context.input().getAsJsonObject().get("name").getAsString();
    }

    private static String mode(TaskContext context) {
        return context.input().getAsJsonObject().get("mode").getAsString();
    }

    private static TaskResult byMode(TaskContext context) {
        return mode(context).equals("retry") ? TaskResult.retryLater("busy") : TaskResult.complete(null);
    }

    private static Invocation relaxed(JsonLog log) {
        return new Invocation(Deadline.none(), log);
    }

    @Test
    void aRetryGetsItsDelayWhileASlowBatchMateIsStillWorking() throws Exception {
        CountDownLatch retryDelayed = new CountDownLatch(1);
        recordDelays(retryDelayed::countDown);
        AtomicBoolean slowSawTheDelay = new AtomicBoolean();
        worker(context -> {
            if (mode(context).equals("slow")) {
                // The slow record keeps working until the retry's delay is set, or gives up.
                slowSawTheDelay.set(retryDelayed.await(WAIT_SECONDS, TimeUnit.SECONDS));
            }
            return byMode(context);
        }, 3600, 10);

        List<RecordOutcome> outcomes = worker.process(List.of(task("slow", "slow"), task("retry", "retry")), relaxed(log));

        assertThat(slowSawTheDelay).as("the retry's delay was set while the slow record still worked").isTrue();
        assertThat(outcomes).extracting(RecordOutcome::outcome).containsExactly(Outcome.SUCCEEDED, Outcome.RETRY);
        assertThat(delayed).containsExactly("receipt-retry");
    }

    @Test
    void theFirstHeartbeatGoesOutWhenTheBatchArrivesNotAnIntervalLater() {
        CountDownLatch firstBeat = new CountDownLatch(1);
        countHeartbeats(firstBeat::countDown);
        AtomicBoolean beatBeforeWork = new AtomicBoolean();
        worker(context -> {
            beatBeforeWork.set(firstBeat.await(WAIT_SECONDS, TimeUnit.SECONDS));
            return TaskResult.complete(null);
        }, 3600, 10);

        worker.process(List.of(task("only", "succeed")), relaxed(log));

        assertThat(beatBeforeWork).as("a heartbeat went out long before the one-hour interval").isTrue();
        assertThat(heartbeatsOf("token-only")).isEqualTo(1);
    }

    @Test
    void aRecordWaitingForASlotIsHeartbeatedFromReceipt() {
        CountDownLatch waitingBeat = new CountDownLatch(1);
        countHeartbeats(() -> {
            if (heartbeatsOf("token-waiting") > 0) {
                waitingBeat.countDown();
            }
        });
        AtomicBoolean sawIt = new AtomicBoolean();
        worker(context -> {
            if (name(context).equals("first")) {
                // One record at a time: "waiting" cannot start before this one returns.
                sawIt.set(waitingBeat.await(WAIT_SECONDS, TimeUnit.SECONDS));
            }
            return TaskResult.complete(null);
        }, 3600, 1);

        List<RecordOutcome> outcomes = worker.process(List.of(task("first", "succeed"), task("waiting", "succeed")), relaxed(log));

        assertThat(sawIt).as("the waiting record had a heartbeat before it started").isTrue();
        assertThat(outcomes).extracting(RecordOutcome::outcome).containsOnly(Outcome.SUCCEEDED);
    }

    @Test
    void aRecordWhoseTaskClosedWhileItWaitedIsNeverStarted() {
        when(sfn.sendTaskHeartbeat(any(SendTaskHeartbeatRequest.class))).thenAnswer(call -> {
            SendTaskHeartbeatRequest request = call.getArgument(0);
            if (request.taskToken().equals("token-late")) {
                throw TaskTimedOutException.builder().statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("TaskTimedOut").errorMessage("Task Timed Out").build())
                        .build();
            }
            return null;
        });
        Set<String> started = ConcurrentHashMap.newKeySet();
        AtomicBoolean sawIt = new AtomicBoolean();
        worker(context -> {
            started.add(name(context));
            if (name(context).equals("first")) {
                // One record at a time: "late" waits until this one returns, which is after its outcome.
                sawIt.set(logger.awaitMessage("record task_closed", Duration.ofSeconds(WAIT_SECONDS)));
            }
            return TaskResult.complete(null);
        }, 3600, 1);

        List<RecordOutcome> outcomes = worker.process(List.of(task("first", "succeed"), task("late", "succeed")), relaxed(log));

        assertThat(sawIt).isTrue();
        assertThat(started).containsExactly("first");
        assertThat(outcomes.get(1).outcome()).isEqualTo(Outcome.TASK_CLOSED);
        assertThat(outcomes.get(1).redeliver()).isFalse();
        verify(sfn, never()).sendTaskSuccess(SendTaskSuccessRequest.builder().taskToken("token-late").output("null").build());
        verify(sfn, never()).sendTaskFailure(any(SendTaskFailureRequest.class));
    }

    @Test
    void aRecordIsHeartbeatedUntilItsCallbackIsDone() {
        // Heartbeats every second; the callback only returns once a heartbeat came after the processor
        // returned, which only happens if heartbeats outlive the processor.
        countHeartbeats(() -> { });
        AtomicInteger beatsWhenProcessorReturned = new AtomicInteger(-1);
        AtomicBoolean beatDuringCallback = new AtomicBoolean();
        when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class))).thenAnswer(call -> {
            beatDuringCallback.set(heartbeats.awaitMoreThan("token-cb", beatsWhenProcessorReturned.get()));
            return null;
        });
        worker(context -> {
            beatsWhenProcessorReturned.set(heartbeatsOf("token-cb"));
            return TaskResult.complete(null);
        }, 1, 10);

        List<RecordOutcome> outcomes = worker.process(List.of(task("cb", "succeed")), relaxed(log));

        assertThat(beatDuringCallback).as("a heartbeat was sent while SendTaskSuccess was on its way").isTrue();
        assertThat(outcomes).extracting(RecordOutcome::outcome).containsExactly(Outcome.SUCCEEDED);
    }

    @Test
    void aRetriedRecordIsHeartbeatedUntilItsDelayIsSet() throws Exception {
        countHeartbeats(() -> { });
        AtomicBoolean beatBeforeDelay = new AtomicBoolean();
        recordDelays(() -> {
            // The visibility change waits for a second heartbeat of the retried record.
            try {
                beatBeforeDelay.set(heartbeats.awaitMoreThan("token-retry", 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker(RecordCoverageTest::byMode, 1, 10);

        List<RecordOutcome> outcomes = worker.process(List.of(task("retry", "retry")), relaxed(log));

        assertThat(beatBeforeDelay).as("the retried record was heartbeated until its delay was set").isTrue();
        assertThat(outcomes).extracting(RecordOutcome::outcome).containsExactly(Outcome.RETRY);
        assertThat(delayed).containsExactly("receipt-retry");
    }

    @Test
    void recordsLeftUnstartedAtTheDeadlineGetTheirDelayWithoutWaitingForTheRunningOne() throws Exception {
        // A 4 s invocation with a 2 s margin: records may start during the first 2 s, the worker
        // waits for running ones until 3 s. The running record only returns once the two records
        // that could not start have their delay, which must come at about 2 s, not after 3 s.
        CountDownLatch bothDelayed = new CountDownLatch(1);
        recordDelays(() -> {
            if (delayed.containsAll(List.of("receipt-a", "receipt-b"))) {
                bothDelayed.countDown();
            }
        });
        AtomicBoolean sawThem = new AtomicBoolean();
        worker(context -> {
            sawThem.set(bothDelayed.await(WAIT_SECONDS, TimeUnit.SECONDS));
            return TaskResult.complete(null);
        }, 3600, 1);
        long end = System.nanoTime() / 1_000_000 + 4_000;
        Deadline deadline = new Deadline(() -> end - System.nanoTime() / 1_000_000, Duration.ofMillis(2_000));

        List<RecordOutcome> outcomes = worker.process(
                List.of(task("running", "succeed"), task("a", "succeed"), task("b", "succeed")), new Invocation(deadline, log));

        assertThat(sawThem).as("the unstarted records had their delay while the running one worked").isTrue();
        assertThat(outcomes).extracting(RecordOutcome::outcome)
                .containsExactly(Outcome.SUCCEEDED, Outcome.NOT_STARTED, Outcome.NOT_STARTED);
        assertThat(delayed).containsExactlyInAnyOrder("receipt-a", "receipt-b");
    }

    /**
     * SendTaskHeartbeat has a bucket of 3,000 calls refilled at 500/s per account in the big regions
     * (1,500 / 300 elsewhere): https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html.
     * A batch's first heartbeats all fall due at once; one invocation sends at most ten at a time.
     */
    @Test
    void aBatchsFirstHeartbeatsGoOutAtMostTenAtATime() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        CountDownLatch tenInFlight = new CountDownLatch(10);
        when(sfn.sendTaskHeartbeat(any(SendTaskHeartbeatRequest.class))).thenAnswer(call -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            heartbeats.add(((SendTaskHeartbeatRequest) call.getArgument(0)).taskToken());
            tenInFlight.countDown();
            // The first ten wait for each other, so that an eleventh, if the worker sent one, would overlap them.
            tenInFlight.await(WAIT_SECONDS, TimeUnit.SECONDS);
            inFlight.decrementAndGet();
            return null;
        });
        List<SQSMessage> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) {
            batch.add(task("r" + i, "succeed"));
        }
        worker(context -> {
            heartbeats.awaitMoreThan("token-" + name(context), 0);
            return TaskResult.complete(null);
        }, 3600, 25);

        List<RecordOutcome> outcomes = worker.process(batch, relaxed(log));

        assertThat(outcomes).extracting(RecordOutcome::outcome).containsOnly(Outcome.SUCCEEDED);
        assertThat(mostInFlight.get()).isEqualTo(Worker.HEARTBEATS_IN_FLIGHT).isEqualTo(10);
        for (int i = 0; i < 25; i++) {
            assertThat(heartbeatsOf("token-r" + i)).isEqualTo(1);
        }
    }
}
