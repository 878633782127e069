package io.sfncallback.worker.callback;

import io.sfncallback.worker.processor.Heartbeat;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * The heartbeats of one task, from the start of its work until {@link #close()}.
 *
 * <p>Interrupting the worker thread is guarded by the same lock as {@link #close()}: once close
 * returns, no heartbeat can interrupt the thread any more, so the callback that follows the work
 * runs undisturbed.
 */
public final class RunningHeartbeat implements Heartbeat, AutoCloseable {

    private final TaskCallbacks callbacks;
    private final String taskToken;
    private final Thread worker;
    private final Consumer<CallbackResult> onAnswer;
    private final Object lock = new Object();

    private ScheduledFuture<?> schedule;
    private boolean automatic = true;
    private boolean finished;
    private volatile boolean taskClosed;

    RunningHeartbeat(TaskCallbacks callbacks, String taskToken, Thread worker, Consumer<CallbackResult> onAnswer) {
        this.callbacks = callbacks;
        this.taskToken = taskToken;
        this.worker = worker;
        this.onAnswer = Objects.requireNonNull(onAnswer, "onAnswer");
    }

    void attach(ScheduledFuture<?> schedule) {
        synchronized (lock) {
            this.schedule = schedule;
            if (finished || !automatic) {
                schedule.cancel(false);
            }
        }
    }

    void beatFromSchedule() {
        synchronized (lock) {
            if (finished || !automatic) {
                return;
            }
        }
        beatNow();
    }

    @Override
    public boolean beatNow() {
        if (taskClosed) {
            return false;
        }
        CallbackResult answer = callbacks.heartbeat(taskToken);
        if (answer instanceof CallbackResult.Delivered) {
            return true;
        }
        onAnswer.accept(answer);
        if (answer instanceof CallbackResult.TaskClosed) {
            synchronized (lock) {
                taskClosed = true;
                if (!finished) {
                    worker.interrupt();
                }
            }
            return false;
        }
        return true;
    }

    @Override
    public boolean isTaskClosed() {
        return taskClosed;
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

    /** Ends the heartbeats; afterwards the worker thread is never interrupted by them. */
    @Override
    public void close() {
        synchronized (lock) {
            finished = true;
            if (schedule != null) {
                schedule.cancel(false);
            }
        }
    }
}
