package io.sfncallback.worker.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.sfncallback.core.callback.CallbackResult;
import io.sfncallback.core.callback.TaskCallbacks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class HeartbeatSchedulerTest {

    private final TaskCallbacks callbacks = mock(TaskCallbacks.class);
    private final ScheduledExecutorService ticker = mock(ScheduledExecutorService.class);
    private final ScheduledFuture<?> schedule = mock(ScheduledFuture.class);
    private final List<CallbackResult> failedBeats = new ArrayList<>();
    private Runnable tick;

    @BeforeEach
    void captureTheSchedule() {
        ArgumentCaptor<Runnable> task = ArgumentCaptor.forClass(Runnable.class);
        when(ticker.scheduleAtFixedRate(task.capture(), anyLong(), anyLong(), any())).thenAnswer(invocation -> {
            tick = task.getValue();
            return schedule;
        });
    }

    private RunningHeartbeat start(Executor sender) {
        return new HeartbeatScheduler(callbacks, ticker, sender, Duration.ofSeconds(15)).start("tok", failedBeats::add);
    }

    /** The sender runs each heartbeat inline, so a tick is one synchronous heartbeat. */
    private RunningHeartbeat start() {
        return start(Runnable::run);
    }

    private static CallbackResult.TaskClosed timedOut() {
        return new CallbackResult.TaskClosed("TaskTimedOut", "Task Timed Out");
    }

    @Test
    void theFirstHeartbeatIsDueAtOnceThenEveryInterval() {
        // The task's heartbeat clock started when Step Functions sent the message, not when it arrived.
        start();

        verify(ticker).scheduleAtFixedRate(any(), eq(0L), eq(15_000L), eq(TimeUnit.MILLISECONDS));
    }

    @Test
    void eachTickSendsOneHeartbeatForTheTask() {
        when(callbacks.heartbeat("tok")).thenReturn(CallbackResult.DELIVERED);
        start();

        tick.run();
        tick.run();

        verify(callbacks, times(2)).heartbeat("tok");
        assertThat(failedBeats).isEmpty();
    }

    @Test
    void aTickWhileTheLastHeartbeatIsStillQueuedOrInFlightIsSkipped() {
        // A sender that holds on to what it is given: the first heartbeat never ends.
        List<Runnable> held = new ArrayList<>();
        when(callbacks.heartbeat("tok")).thenReturn(CallbackResult.DELIVERED);
        start(held::add);

        tick.run();
        tick.run();
        tick.run();
        assertThat(held).as("one heartbeat queued, the other ticks skipped").hasSize(1);

        held.get(0).run();
        tick.run();
        assertThat(held).as("once it has run, the next tick queues another").hasSize(2);
    }

    @Test
    void closingCancelsTheScheduleAndSilencesLateTicks() {
        RunningHeartbeat heartbeat = start();

        heartbeat.close();
        tick.run();

        verify(schedule).cancel(false);
        verify(callbacks, never()).heartbeat(any());
    }

    @Test
    void stopEndsAutomaticHeartbeatsButLeavesBeatNow() {
        when(callbacks.heartbeat("tok")).thenReturn(CallbackResult.DELIVERED);
        RunningHeartbeat heartbeat = start();

        heartbeat.stop();
        tick.run();
        assertThat(heartbeat.beatNow()).isTrue();

        verify(schedule).cancel(false);
        verify(callbacks, times(1)).heartbeat("tok");
    }

    @Test
    void aClosedTaskInterruptsTheBoundThreadOnceAndEndsTheHeartbeats() throws Exception {
        when(callbacks.heartbeat("tok")).thenReturn(timedOut());
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        worker.start();
        started.await();
        RunningHeartbeat heartbeat = start();
        AtomicReference<CallbackResult> closure = new AtomicReference<>();
        heartbeat.closure().thenAccept(closure::set);
        assertThat(heartbeat.bindWork(worker)).isTrue();

        tick.run();
        tick.run();

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(heartbeat.isTaskClosed()).isTrue();
        assertThat(heartbeat.closedBy()).contains(timedOut());
        assertThat(closure.get()).isEqualTo(timedOut());
        assertThat(heartbeat.beatNow()).as("a closed task is not sent more heartbeats").isFalse();
        verify(callbacks, times(1)).heartbeat("tok");
        verify(schedule).cancel(false);
        assertThat(failedBeats).as("a closure is reported by the record's outcome, not as a failed heartbeat").isEmpty();
    }

    @Test
    void anInvalidTokenClosesTheTaskToo() {
        CallbackResult.InvalidToken invalid = new CallbackResult.InvalidToken("Invalid Token");
        when(callbacks.heartbeat("tok")).thenReturn(invalid);
        RunningHeartbeat heartbeat = start();

        tick.run();

        assertThat(heartbeat.closedBy()).contains(invalid);
        assertThat(heartbeat.bindWork(Thread.currentThread())).as("work on a closed task is never bound").isFalse();
    }

    @Test
    void aClosedTaskFoundAfterTheWorkEndedNoLongerInterruptsTheThread() {
        when(callbacks.heartbeat("tok")).thenReturn(timedOut());
        RunningHeartbeat heartbeat = start();
        heartbeat.bindWork(Thread.currentThread());

        heartbeat.endWork();
        tick.run();

        assertThat(Thread.interrupted()).isFalse();
        assertThat(heartbeat.isTaskClosed()).isTrue();
    }

    @Test
    void heartbeatsGoOnAfterTheWorkEndsUntilClosed() {
        when(callbacks.heartbeat("tok")).thenReturn(CallbackResult.DELIVERED);
        RunningHeartbeat heartbeat = start();
        heartbeat.bindWork(Thread.currentThread());
        heartbeat.endWork();

        tick.run();
        heartbeat.close();
        tick.run();

        verify(callbacks, times(1)).heartbeat("tok");
    }

    @Test
    void aFailedHeartbeatIsReportedAndTheTaskStaysOpen() {
        when(callbacks.heartbeat("tok")).thenReturn(new CallbackResult.Unavailable("SdkClientException: timeout"));
        RunningHeartbeat heartbeat = start();
        heartbeat.bindWork(Thread.currentThread());

        tick.run();

        assertThat(heartbeat.isTaskClosed()).isFalse();
        assertThat(Thread.interrupted()).isFalse();
        assertThat(failedBeats).containsExactly(new CallbackResult.Unavailable("SdkClientException: timeout"));
    }

    @Test
    void withARealSchedulerHeartbeatsKeepComingUntilClosed() throws Exception {
        ScheduledExecutorService real = Executors.newSingleThreadScheduledExecutor();
        try {
            AtomicInteger sent = new AtomicInteger();
            CountDownLatch three = new CountDownLatch(3);
            TaskCallbacks counting = mock(TaskCallbacks.class);
            when(counting.heartbeat("tok")).thenAnswer(invocation -> {
                sent.incrementAndGet();
                three.countDown();
                return CallbackResult.DELIVERED;
            });
            RunningHeartbeat heartbeat = new HeartbeatScheduler(counting, real, Runnable::run, Duration.ofMillis(10))
                    .start("tok", failedBeats::add);

            assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
            heartbeat.close();
            int afterClose = sent.get();
            // Another tick would have come within 10 ms; run a task after several periods to be sure none did.
            real.schedule(() -> { }, 50, TimeUnit.MILLISECONDS).get();
            assertThat(sent.get()).isEqualTo(afterClose);
        } finally {
            real.shutdownNow();
        }
    }
}
