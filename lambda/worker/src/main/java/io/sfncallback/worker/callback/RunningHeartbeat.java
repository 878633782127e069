package io.sfncallback.worker.callback;

import io.sfncallback.core.callback.CallbackResult;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.worker.processor.Heartbeat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The heartbeats of one task, from the moment its record arrives until its final disposition
 * ({@link #close()}): while it waits for a slot, while its processor works, and while its callback
 * or its retry delay is on the way.
 *
 * <p>An answer that the task cannot be completed any more (TaskTimedOut, TaskDoesNotExist,
 * InvalidToken) ends the heartbeats for good: {@link #closure()} completes with that answer, and
 * the thread bound with {@link #bindWork} is interrupted. Binding, unbinding and that interrupt
 * share one lock, so once {@link #endWork()} returns no heartbeat interrupts the thread any more.
 *
 * <p>At most one scheduled heartbeat per task is queued or in flight at a time: when Step Functions
 * answers slowly, ticks are skipped rather than piled up.
 */
public final class RunningHeartbeat implements Heartbeat, AutoCloseable {

    private final TaskCallbacks callbacks;
    private final String taskToken;
    private final Consumer<CallbackResult> onFailedBeat;
    private final CompletableFuture<CallbackResult> closure = new CompletableFuture<>();
    private final AtomicBoolean beatPending = new AtomicBoolean();
    private final Object lock = new Object();

    private ScheduledFuture<?> schedule;
    private boolean automatic = true;
    private boolean finished;
    private Thread worker;
    private volatile CallbackResult closedBy;

    RunningHeartbeat(TaskCallbacks callbacks, String taskToken, Consumer<CallbackResult> onFailedBeat) {
        this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
        this.taskToken = Objects.requireNonNull(taskToken, "taskToken");
        this.onFailedBeat = Objects.requireNonNull(onFailedBeat, "onFailedBeat");
    }

    void attach(ScheduledFuture<?> schedule) {
        synchronized (lock) {
            this.schedule = schedule;
            if (!scheduledBeatsWanted()) {
                schedule.cancel(false);
            }
        }
    }

    /** One tick of the schedule: hands a heartbeat to {@code sender} unless one is already queued or in flight. */
    void tick(Executor sender) {
        synchronized (lock) {
            if (!scheduledBeatsWanted()) {
                return;
            }
        }
        if (!beatPending.compareAndSet(false, true)) {
            return;
        }
        try {
            sender.execute(() -> {
                try {
                    boolean wanted;
                    synchronized (lock) {
                        wanted = scheduledBeatsWanted();
                    }
                    if (wanted) {
                        beatNow();
                    }
                } finally {
                    beatPending.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            beatPending.set(false); // the worker is shutting down
        }
    }

    private boolean scheduledBeatsWanted() {
        return !finished && automatic && closedBy == null;
    }

    @Override
    public boolean beatNow() {
        if (closedBy != null) {
            return false;
        }
        CallbackResult answer = callbacks.heartbeat(taskToken);
        return switch (answer) {
            case CallbackResult.Delivered delivered -> true;
            case CallbackResult.TaskClosed closed -> {
                closeTask(closed);
                yield false;
            }
            case CallbackResult.InvalidToken invalid -> {
                closeTask(invalid);
                yield false;
            }
            case CallbackResult.OutputRejected rejected -> {
                onFailedBeat.accept(rejected);
                yield true;
            }
            case CallbackResult.Unavailable unavailable -> {
                onFailedBeat.accept(unavailable);
                yield true;
            }
        };
    }

    private void closeTask(CallbackResult answer) {
        synchronized (lock) {
            if (closedBy != null) {
                return;
            }
            closedBy = answer;
            if (worker != null) {
                worker.interrupt();
            }
            if (schedule != null) {
                schedule.cancel(false);
            }
        }
        // Outside the lock: whoever waits on the closure may take other locks.
        closure.complete(answer);
    }

    /**
     * Binds the thread doing the task's work: it is interrupted if a heartbeat finds the task
     * closed. False, and nothing bound, when the task is already known to be closed.
     */
    public boolean bindWork(Thread thread) {
        synchronized (lock) {
            if (closedBy != null) {
                return false;
            }
            worker = Objects.requireNonNull(thread, "thread");
            return true;
        }
    }

    /** Ends the work: after this returns, no heartbeat interrupts the bound thread. Heartbeats go on. */
    public void endWork() {
        synchronized (lock) {
            worker = null;
        }
    }

    @Override
    public boolean isTaskClosed() {
        return closedBy != null;
    }

    /** The answer that closed the task ({@link CallbackResult.TaskClosed} or {@link CallbackResult.InvalidToken}), if one did. */
    public Optional<CallbackResult> closedBy() {
        return Optional.ofNullable(closedBy);
    }

    /** Completes, with the answer, when a heartbeat finds that the task cannot be completed any more. */
    public CompletionStage<CallbackResult> closure() {
        return closure.minimalCompletionStage();
    }

    @Override
    public void stop() {
        synchronized (lock) {
            automatic = false;
            if (schedule != null) {
                schedule.cancel(false);
            }
        }
    }

    /** The record's final disposition: no more heartbeats, and no interrupt from them. */
    @Override
    public void close() {
        synchronized (lock) {
            finished = true;
            worker = null;
            if (schedule != null) {
                schedule.cancel(false);
            }
        }
    }
}
