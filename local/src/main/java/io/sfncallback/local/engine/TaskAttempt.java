package io.sfncallback.local.engine;

import io.sfncallback.local.asl.TaskState;
import java.util.concurrent.ScheduledFuture;

/**
 * One attempt of a Task state: its own task token, open from TaskScheduled until the first callback, timeout or
 * stop closes it. Guarded by the execution's monitor.
 */
final class TaskAttempt {
    final Execution execution;
    final TaskState state;
    final String token;
    private boolean open = true;
    ScheduledFuture<?> timeoutTimer;
    ScheduledFuture<?> heartbeatTimer;

    TaskAttempt(Execution execution, TaskState state, String token) {
        this.execution = execution;
        this.state = state;
        this.token = token;
    }

    boolean isOpen() {
        return open;
    }

    /** Closes the attempt and cancels its timers; later callbacks for its token answer TaskTimedOut. */
    void close() {
        open = false;
        if (timeoutTimer != null) {
            timeoutTimer.cancel(false);
        }
        if (heartbeatTimer != null) {
            heartbeatTimer.cancel(false);
        }
    }
}
