package io.sfncallback.worker.callback;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends SendTaskHeartbeat for each task at a fixed interval while its processor works.
 *
 * <p>A single scheduler thread only ticks; each heartbeat is sent on {@code sender}, so one slow
 * call never delays the heartbeats of other tasks. The first heartbeat goes out one interval after
 * the work starts: the message delivery itself proves the task is alive until then.
 */
public final class HeartbeatScheduler {

    private final TaskCallbacks callbacks;
    private final ScheduledExecutorService ticker;
    private final Executor sender;
    private final Duration interval;

    public HeartbeatScheduler(TaskCallbacks callbacks, ScheduledExecutorService ticker, Executor sender, Duration interval) {
        this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
    }

    /**
     * Starts heartbeats for a task whose work runs on {@code worker}; the thread is interrupted if
     * a heartbeat learns that the task has closed. Close the returned handle when the work ends.
     *
     * @param onAnswer told of every heartbeat answer except {@link CallbackResult.Delivered}, for logging
     */
    public RunningHeartbeat start(String taskToken, Thread worker, Consumer<CallbackResult> onAnswer) {
        RunningHeartbeat heartbeat = new RunningHeartbeat(callbacks, taskToken, worker, onAnswer);
        long millis = interval.toMillis();
        heartbeat.attach(ticker.scheduleAtFixedRate(() -> sender.execute(heartbeat::beatFromSchedule),
                millis, millis, TimeUnit.MILLISECONDS));
        return heartbeat;
    }
}
