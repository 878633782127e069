package io.sfncallback.worker.batch;

import static io.sfncallback.testkit.Messages.body;
import static io.sfncallback.testkit.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.worker.callback.HeartbeatScheduler;
import io.sfncallback.worker.message.TaskMessageParser;
import io.sfncallback.worker.processor.TaskProcessor;
import io.sfncallback.worker.processor.TaskResult;
import io.sfncallback.worker.retry.RetryDelay;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.SendTaskFailureRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;

class BatchProcessorTest {

    private final SfnClient sfn = mock(SfnClient.class);
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final CapturingLogger logger = new CapturingLogger();

    @AfterEach
    void stopThreads() {
        ticker.shutdownNow();
        workers.shutdownNow();
    }

    /** A batch without retry delays (no queue URL): the SQS caller must never be needed. */
    private BatchProcessor batch(TaskProcessor processor, int maxConcurrent) {
        TaskCallbacks callbacks = new TaskCallbacks(sfn);
        RetryDelay noDelay = new RetryDelay(null, Duration.ofSeconds(1), () -> {
            throw new AssertionError("no SQS call without a queue URL");
        }, workers);
        return new BatchProcessor(new TaskMessageParser(), new HeartbeatScheduler(callbacks, ticker, workers, Duration.ofHours(1)),
                new RecordProcessor(processor, callbacks, 5, true), noDelay, workers, maxConcurrent);
    }

    private Invocation invocation(Deadline deadline) {
        return new Invocation(deadline, new JsonLog(logger, LogLevel.INFO, "req", Clock.systemUTC()));
    }

    private static List<SQSMessage> tasks(int count) {
        List<SQSMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JsonObject input = new JsonObject();
            input.addProperty("n", i);
            messages.add(message("m-" + i, body("token-" + i, input)));
        }
        return messages;
    }

    private static int n(io.sfncallback.worker.processor.TaskContext context) {
        return context.input().getAsJsonObject().get("n").getAsInt();
    }

    @Test
    void allRecordsOfABatchRunAtTheSameTime() {
        CyclicBarrier everyoneStarted = new CyclicBarrier(10);
        BatchProcessor batch = batch(context -> {
            // Only returns once all ten records are inside the processor at once.
            everyoneStarted.await(10, TimeUnit.SECONDS);
            return TaskResult.complete(new JsonPrimitive(n(context)));
        }, 10);

        List<RecordOutcome> outcomes = batch.process(tasks(10), invocation(Deadline.none()));

        assertThat(outcomes).extracting(RecordOutcome::outcome).containsOnly(Outcome.SUCCEEDED).hasSize(10);
        for (int i = 0; i < 10; i++) {
            verify(sfn).sendTaskSuccess(SendTaskSuccessRequest.builder().taskToken("token-" + i).output(Integer.toString(i)).build());
        }
    }

    @Test
    void noMoreThanTheConfiguredNumberRunAtOnce() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        CyclicBarrier pairs = new CyclicBarrier(3);
        BatchProcessor batch = batch(context -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            pairs.await(10, TimeUnit.SECONDS); // three at a time: any fourth would wait here for ever
            running.decrementAndGet();
            return TaskResult.complete(null);
        }, 3);

        List<RecordOutcome> outcomes = batch.process(tasks(9), invocation(Deadline.none()));

        assertThat(outcomes).extracting(RecordOutcome::outcome).containsOnly(Outcome.SUCCEEDED);
        assertThat(mostAtOnce.get()).isEqualTo(3);
    }

    @RepeatedTest(5)
    void theFailureListIsExactUnderConcurrency() {
        // 100 records finishing in shuffled order with three kinds of outcome; the result must be
        // exactly the records that asked for a retry or could not be parsed, in record order.
        List<SQSMessage> messages = tasks(100);
        for (int i = 0; i < 100; i += 7) {
            messages.set(i, message("m-" + i, "garbage " + i));
        }
        BatchProcessor batch = batch(context -> {
            int n = n(context);
            Thread.sleep((n * 7919L) % 5);
            return switch (n % 3) {
                case 0 -> TaskResult.retryLater("busy");
                case 1 -> TaskResult.reject("E", "C");
                default -> TaskResult.complete(null);
            };
        }, 16);

        List<RecordOutcome> outcomes = batch.process(messages, invocation(Deadline.none()));

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i % 7 == 0 || i % 3 == 0) {
                expected.add("m-" + i);
            }
        }
        assertThat(outcomes).extracting(RecordOutcome::messageId)
                .containsExactlyElementsOf(messages.stream().map(SQSMessage::getMessageId).toList());
        assertThat(outcomes.stream().filter(RecordOutcome::redeliver).map(RecordOutcome::messageId).toList())
                .containsExactlyElementsOf(expected);
        assertThat(logger.lines()).hasSize(100);
    }

    @Test
    void nothingStartsWhenTheInvocationIsAlreadyPastTheMargin() {
        TaskProcessor processor = mock(TaskProcessor.class);
        Deadline deadline = new Deadline(() -> 4_999, Duration.ofMillis(5_000));

        List<RecordOutcome> outcomes = batch(processor, 10).process(tasks(3), invocation(deadline));

        assertThat(outcomes).extracting(RecordOutcome::outcome).containsOnly(Outcome.NOT_STARTED).hasSize(3);
        assertThat(outcomes).allMatch(RecordOutcome::redeliver);
        org.mockito.Mockito.verifyNoInteractions(processor);
        verify(sfn, never()).sendTaskSuccess(any(SendTaskSuccessRequest.class));
        verify(sfn, never()).sendTaskFailure(any(SendTaskFailureRequest.class));
        assertThat(logger.withMessage("record not_started")).hasSize(3);
    }

    @Test
    void recordsStopStartingOnceTheMarginIsReached() {
        // One record at a time; each takes 100 ms of a clock that starts 250 ms above the margin.
        AtomicLong remaining = new AtomicLong(5_250);
        Deadline deadline = new Deadline(remaining::get, Duration.ofMillis(5_000));
        BatchProcessor batch = batch(context -> {
            remaining.addAndGet(-100);
            return TaskResult.complete(null);
        }, 1);

        List<RecordOutcome> outcomes = batch.process(tasks(5), invocation(deadline));

        assertThat(outcomes).extracting(RecordOutcome::outcome).containsExactly(
                Outcome.SUCCEEDED, Outcome.SUCCEEDED, Outcome.SUCCEEDED, Outcome.NOT_STARTED, Outcome.NOT_STARTED);
    }

    @Test
    void aRecordStillRunningAtTheDeadlineIsReportedUnfinishedAndInterrupted() throws Exception {
        // A 4 s invocation with a 2 s margin: both records must start within 2 s (generous even on a
        // busy machine); the worker stops waiting at 3 s, a second before the invocation's end.
        CountDownLatch interrupted = new CountDownLatch(1);
        long end = System.nanoTime() / 1_000_000 + 4_000;
        Deadline deadline = new Deadline(() -> end - System.nanoTime() / 1_000_000, Duration.ofMillis(2_000));
        BatchProcessor batch = batch(context -> {
            if (n(context) == 0) {
                return TaskResult.complete(null);
            }
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return TaskResult.complete(null);
        }, 10);

        List<RecordOutcome> outcomes = batch.process(tasks(2), invocation(deadline));

        assertThat(outcomes).extracting(RecordOutcome::outcome).containsExactly(Outcome.SUCCEEDED, Outcome.NOT_FINISHED);
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        workers.submit(() -> { }).get(); // let the interrupted record finish its bookkeeping
        verify(sfn, never()).sendTaskFailure(any(SendTaskFailureRequest.class));
        assertThat(logger.withMessage("record not_finished")).as("logged once, by the batch").hasSize(1);
        assertThat(System.nanoTime() / 1_000_000).as("returned before the invocation ran out").isLessThan(end);
    }

    @Test
    void anEmptyBatchIsFine() {
        assertThat(batch(context -> TaskResult.complete(null), 10).process(List.of(), invocation(Deadline.none()))).isEmpty();
    }

    @Test
    void whenSendTaskSuccessThrowsForOneRecordTheOthersAreUnaffected() {
        when(sfn.sendTaskSuccess(SendTaskSuccessRequest.builder().taskToken("token-1").output("null").build()))
                .thenThrow(software.amazon.awssdk.core.exception.SdkClientException.create("reset"));

        List<RecordOutcome> outcomes = batch(context -> TaskResult.complete(null), 10).process(tasks(3), invocation(Deadline.none()));

        assertThat(outcomes).extracting(RecordOutcome::outcome)
                .containsExactly(Outcome.SUCCEEDED, Outcome.CALLBACK_UNAVAILABLE, Outcome.SUCCEEDED);
    }
}
