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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class HeartbeatSchedulerTest {

    private final TaskCallbacks callbacks = mock(TaskCallbacks.class);
    private final ScheduledExecutorService ticker = mock(ScheduledExecutorService.class);
    private final ScheduledFuture<?> schedule = mock(ScheduledFuture.class);
    private final List<CallbackResult> answers = new ArrayList<>();
    private Runnable tick;

    @BeforeEach
    void captureTheSchedule() {
        ArgumentCaptor<Runnable> task = ArgumentCaptor.forClass(Runnable.class);
        when(ticker.scheduleAtFixedRate(task.capture(), anyLong(), anyLong(), any())).thenAnswer(invocation -> {
            tick = task.getValue();
            return schedule;
        });
    }

    private RunningHeartbeat start(Thread worker) {
        // The sender runs each heartbeat inline, so a tick is one synchronous heartbeat.
        return new HeartbeatScheduler(callbacks, ticker, Runnable::run, Duration.ofSeconds(15)).start("tok", worker, answers::add);
    }

    @Test
    void schedulesAHeartbeatEveryIntervalStartingOneIntervalIn() {
        start(Thread.currentThread());

        verify(ticker).scheduleAtFixedRate(any(), eq(15_000L), eq(15_000L), eq(TimeUnit.MILLISECONDS));
    }

    @Test
    void eachTickSendsOneHeartbeatForTheTask() {
        when(callbacks.heartbeat("tok")).thenReturn(CallbackResult.DELIVERED);
        start(Thread.currentThread());

        tick.run();
        tick.run();

        verify(callbacks, times(2)).heartbeat("tok");
        assertThat(answers).isEmpty();
    }

    @Test
    void closingCancelsTheScheduleAndSilencesLateTicks() {
        RunningHeartbeat heartbeat = start(Thread.currentThread());

        heartbeat.close();
        tick.run();

        verify(schedule).cancel(false);
        verify(callbacks, never()).heartbeat(any());
    }

    @Test
    void stopEndsAutomaticHeartbeatsButLeavesBeatNow() {
        when(callbacks.heartbeat("tok")).thenReturn(CallbackResult.DELIVERED);
        RunningHeartbeat heartbeat = start(Thread.currentThread());

        heartbeat.stop();
        tick.run();
        assertThat(heartbeat.beatNow()).isTrue();

        verify(schedule).cancel(false);
        verify(callbacks, times(1)).heartbeat("tok");
    }

    @Test
    void aClosedTaskInterruptsTheWorkerOnce() throws Exception {
        when(callbacks.heartbeat("tok")).thenReturn(new CallbackResult.TaskClosed("TaskTimedOut", "Task Timed Out"));
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
        RunningHeartbeat heartbeat = start(worker);

        tick.run();

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(heartbeat.isTaskClosed()).isTrue();
        assertThat(heartbeat.beatNow()).as("a closed task is not sent more heartbeats").isFalse();
        verify(callbacks, times(1)).heartbeat("tok");
        assertThat(answers).containsExactly(new CallbackResult.TaskClosed("TaskTimedOut", "Task Timed Out"));
    }

    @Test
    void aClosedTaskFoundAfterCloseNoLongerInterruptsTheWorker() {
        when(callbacks.heartbeat("tok")).thenReturn(new CallbackResult.TaskClosed("TaskTimedOut", "late"));
        RunningHeartbeat heartbeat = start(Thread.currentThread());

        heartbeat.close();
        heartbeat.beatNow();

        assertThat(Thread.interrupted()).isFalse();
        assertThat(heartbeat.isTaskClosed()).isTrue();
    }

    @Test
    void aFailedHeartbeatIsReportedAndTheTaskStaysOpen() {
        when(callbacks.heartbeat("tok")).thenReturn(new CallbackResult.Unavailable("SdkClientException: timeout"));
        RunningHeartbeat heartbeat = start(Thread.currentThread());

        tick.run();

        assertThat(heartbeat.isTaskClosed()).isFalse();
        assertThat(Thread.interrupted()).isFalse();
        assertThat(answers).containsExactly(new CallbackResult.Unavailable("SdkClientException: timeout"));
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
                    .start("tok", Thread.currentThread(), answers::add);

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
