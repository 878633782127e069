package io.sfncallback.worker.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.worker.batch.Deadline;
import io.sfncallback.worker.batch.Invocation;
import io.sfncallback.worker.batch.Outcome;
import io.sfncallback.worker.batch.RecordOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class RetryDelayTest {

    private static final String QUEUE = "https://q/1/tasks";

    private final SqsVisibility sqs = mock(SqsVisibility.class);
    private final CapturingLogger logger = new CapturingLogger();
    private final Invocation invocation = new Invocation(Deadline.none(), new JsonLog(logger, LogLevel.INFO, "r", Clock.systemUTC()));
    private final ExecutorService threads = Executors.newCachedThreadPool();
    /** An executor that only collects what it is given, so a test decides when each call runs. */
    private final List<Runnable> held = new ArrayList<>();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private static RecordOutcome failure(int i) {
        return new RecordOutcome("m-" + i, "handle-" + i, Outcome.RETRY, null, "busy");
    }

    private RetryDelay delay(java.util.concurrent.Executor executor) {
        return new RetryDelay(QUEUE, Duration.ofSeconds(7), () -> sqs, executor);
    }

    private static void runAll(List<Runnable> runnables) {
        for (int i = 0; i < runnables.size(); i++) {
            runnables.get(i).run();
        }
    }

    @SuppressWarnings("unchecked")
    private List<List<SqsVisibility.Entry>> calls(int count) throws Exception {
        ArgumentCaptor<List<SqsVisibility.Entry>> batches = ArgumentCaptor.forClass(List.class);
        verify(sqs, times(count)).changeVisibility(eq(QUEUE), batches.capture());
        return batches.getAllValues();
    }

    @Test
    void aRecordReadyOnItsOwnGetsItsDelayAtOnce() throws Exception {
        CompletableFuture<Void> done = delay(Runnable::run).delay(failure(0), invocation);

        assertThat(done).isCompleted();
        assertThat(calls(1)).containsExactly(List.of(new SqsVisibility.Entry("r0", "handle-0", 7)));
        assertThat(logger.lines()).isEmpty();
    }

    @Test
    void recordsReadyWhileACallIsOnItsWayShareTheNextCall() throws Exception {
        CountDownLatch firstCallStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger call = new AtomicInteger();
        when(sqs.changeVisibility(eq(QUEUE), anyList())).thenAnswer(i -> {
            if (call.incrementAndGet() == 1) {
                firstCallStarted.countDown();
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            }
            return List.of();
        });
        RetryDelay delay = delay(threads);

        CompletableFuture<Void> first = delay.delay(failure(0), invocation);
        assertThat(firstCallStarted.await(30, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Void>> later = List.of(
                delay.delay(failure(1), invocation), delay.delay(failure(2), invocation), delay.delay(failure(3), invocation));
        assertThat(first).as("the first record's call is still on its way").isNotDone();
        release.countDown();
        CompletableFuture.allOf(later.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(first).isCompleted();
        assertThat(calls(2)).extracting(List::size).containsExactly(1, 3);
    }

    @Test
    void aCallCarriesAtMostTenRecords() throws Exception {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        RetryDelay delay = delay(held::add);
        for (int i = 0; i < 23; i++) {
            done.add(delay.delay(failure(i), invocation));
        }

        runAll(held);

        List<List<SqsVisibility.Entry>> calls = calls(3);
        assertThat(calls).extracting(List::size).containsExactly(10, 10, 3);
        assertThat(calls.get(2)).containsExactly(
                new SqsVisibility.Entry("r0", "handle-20", 7),
                new SqsVisibility.Entry("r1", "handle-21", 7),
                new SqsVisibility.Entry("r2", "handle-22", 7));
        assertThat(done).allMatch(CompletableFuture::isDone);
    }

    @Test
    void aBacklogIsSentByAFewParallelCallsAndEachRecordExactlyOnce() throws Exception {
        List<String> sent = new CopyOnWriteArrayList<>();
        when(sqs.changeVisibility(eq(QUEUE), anyList())).thenAnswer(i -> {
            List<SqsVisibility.Entry> entries = i.getArgument(1);
            entries.forEach(e -> sent.add(e.receiptHandle()));
            return List.of();
        });
        RetryDelay delay = delay(held::add);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            done.add(delay.delay(failure(i), invocation));
        }

        assertThat(held).as("calls started for the backlog").hasSize(RetryDelay.MAX_CALLS_IN_FLIGHT);
        runAll(held);

        assertThat(sent).hasSize(100).doesNotHaveDuplicates();
        assertThat(done).allMatch(CompletableFuture::isDone);
    }

    @Test
    void doesNothingWithoutAQueueUrl() {
        AtomicInteger built = new AtomicInteger();
        RetryDelay delay = new RetryDelay(null, Duration.ofSeconds(7), () -> {
            built.incrementAndGet();
            return sqs;
        }, held::add);

        assertThat(delay.enabled()).isFalse();
        assertThat(delay.delay(failure(0), invocation)).isCompleted();
        assertThat(held).isEmpty();
        assertThat(built.get()).as("the SQS caller is never even built").isZero();
    }

    @Test
    void aRecordWithoutReceiptHandleNeedsNoCall() {
        RecordOutcome noHandle = new RecordOutcome("m", null, Outcome.BAD_MESSAGE, null, "x");

        assertThat(delay(held::add).delay(noHandle, invocation)).isCompleted();
        assertThat(held).isEmpty();
    }

    @Test
    void buildsTheSqsCallerOnceOnFirstUse() {
        AtomicInteger built = new AtomicInteger();
        RetryDelay delay = new RetryDelay(QUEUE, Duration.ofSeconds(7), () -> {
            built.incrementAndGet();
            return sqs;
        }, Runnable::run);

        delay.delay(failure(0), invocation);
        delay.delay(failure(1), invocation);

        assertThat(built.get()).isEqualTo(1);
    }

    @Test
    void aRecordSqsRefusesIsLoggedAndTheOthersAreNot() throws Exception {
        when(sqs.changeVisibility(any(), anyList()))
                .thenReturn(List.of(new SqsVisibility.Failure("r1", "ReceiptHandleIsInvalid", "expired")));
        RetryDelay delay = delay(held::add);
        List<CompletableFuture<Void>> done = List.of(
                delay.delay(failure(0), invocation), delay.delay(failure(1), invocation), delay.delay(failure(2), invocation));

        runAll(held);

        assertThat(logger.json()).singleElement().satisfies(line -> {
            assertThat(line.get("messageId").getAsString()).isEqualTo("m-1");
            assertThat(line.get("detail").getAsString()).isEqualTo("ReceiptHandleIsInvalid: expired");
        });
        assertThat(done).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    }

    @Test
    void aFailedCallIsLoggedForEachRecordAndNeverThrows() throws Exception {
        when(sqs.changeVisibility(any(), anyList())).thenThrow(new SqsVisibility.SqsCallException("HTTP 403 AccessDenied: no", null));
        RetryDelay delay = delay(held::add);
        List<CompletableFuture<Void>> done = List.of(delay.delay(failure(0), invocation), delay.delay(failure(1), invocation));

        runAll(held);

        assertThat(logger.json()).extracting(line -> line.get("messageId").getAsString()).containsExactly("m-0", "m-1");
        assertThat(logger.lines()).allMatch(line -> line.level() == LogLevel.WARN);
        assertThat(done).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    }

    @Test
    void aWorkerShuttingDownLogsTheRecordsInsteadOfLosingThem() {
        RetryDelay delay = delay(command -> {
            throw new RejectedExecutionException("shut down");
        });

        CompletableFuture<Void> done = delay.delay(failure(0), invocation);

        assertThat(done).isCompleted();
        assertThat(logger.json()).singleElement()
                .satisfies(line -> assertThat(line.get("detail").getAsString()).isEqualTo("the worker is shutting down"));
    }
}
