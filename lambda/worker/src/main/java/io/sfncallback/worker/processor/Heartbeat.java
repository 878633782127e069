package io.sfncallback.worker.processor;

/**
 * The heartbeats the worker sends for a task.
 *
 * <p>The worker sends SendTaskHeartbeat on its own: once when the record arrives, then every
 * {@code HEARTBEAT_INTERVAL_SECONDS} until the record's final disposition (its callback, or its
 * retry delay). A processor only uses this handle to learn that the task has closed, to send one
 * extra heartbeat right now (before a long blocking call, say), or to stop them.
 */
public interface Heartbeat {

    /**
     * True once Step Functions has answered that the task cannot be completed any more: it is
     * closed (timed out, or its execution stopped; TaskTimedOut, TaskDoesNotExist) or its token is
     * not one Step Functions issued (InvalidToken). Whatever the processor returns afterwards is
     * ignored.
     */
    boolean isTaskClosed();

    /**
     * Sends a heartbeat now, waiting for the answer.
     *
     * @return false when the task is closed; a heartbeat that failed for another reason (throttling,
     *     network) returns true, because the task may well still be open
     */
    boolean beatNow();

    /**
     * Stops the automatic heartbeats for this task. The task then times out on its heartbeat
     * (a catcher matching {@code States.HeartbeatTimeout}; this project's state machine ends in
     * {@code Task.NoHeartbeat}) unless the processor finishes within its HeartbeatSeconds: the same
     * thing a crashed worker causes, which the demo's {@code hang} mode uses to show it.
     */
    void stop();
}
