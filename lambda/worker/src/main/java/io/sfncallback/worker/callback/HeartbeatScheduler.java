package io.sfncallback.worker.callback;

import io.sfncallback.core.callback.CallbackResult;
import io.sfncallback.core.callback.TaskCallbacks;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends SendTaskHeartbeat for each task of a batch: once as soon as its record arrives, then at a
 * fixed interval until the record's final disposition.
 *
 * <p>The first heartbeat cannot wait an interval: the task's heartbeat clock started when Step
 * Functions sent the message, so the time the message spent in the queue, and will spend waiting
 * for a slot inside its batch, already counts against the state's {@code HeartbeatSeconds}
 * (<a href="https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskHeartbeat.html">SendTaskHeartbeat</a>).
 *
 * <p>A single scheduler thread only ticks; heartbeats are sent on {@code sender}, a small bounded
 * pool, so one slow call never delays the heartbeats of other tasks, and a batch's burst of first
 * heartbeats goes out a pool's width at a time. SendTaskHeartbeat has its own token bucket of 3,000
 * calls refilled at 500 per second per account in us-east-1, us-west-2 and eu-west-1, and 1,500 / 300
 * elsewhere, separate from SendTaskSuccess and SendTaskFailure
 * (<a href="https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html">Step Functions
 * quotas, API action throttling</a>): with the defaults (batches of 10, at most 10 concurrent
 * invocations) a burst is at most 100 calls and the steady rate is the number of records in flight
 * divided by the interval.
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
     * Starts the heartbeats of a task: the first one now, then one every interval. Close the
     * returned handle at the record's final disposition.
     *
     * @param onFailedBeat told of every heartbeat that did not get through (throttling, network),
     *                     for logging; an answer that closes the task completes
     *                     {@link RunningHeartbeat#closure()} instead
     */
    public RunningHeartbeat start(String taskToken, Consumer<CallbackResult> onFailedBeat) {
        RunningHeartbeat heartbeat = new RunningHeartbeat(callbacks, taskToken, onFailedBeat);
        long millis = interval.toMillis();
        heartbeat.attach(ticker.scheduleAtFixedRate(() -> heartbeat.tick(sender), 0, millis, TimeUnit.MILLISECONDS));
        return heartbeat;
    }
}
