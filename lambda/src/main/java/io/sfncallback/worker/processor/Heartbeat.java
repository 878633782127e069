package io.sfncallback.worker.processor;

/**
 * The heartbeats the worker sends for a task while its processor works.
 *
 * <p>The worker sends SendTaskHeartbeat every {@code HEARTBEAT_INTERVAL_SECONDS} on its own; a
 * processor only uses this handle to learn that the task has closed, to send one extra heartbeat
 * right now (before a long blocking call, say), or to stop them.
 */
public interface Heartbeat {

    /**
     * True once Step Functions has answered that the task is closed (timed out, or its execution
     * stopped): whatever the processor returns afterwards is ignored.
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
     * Stops the automatic heartbeats for this task. The state then fails with
     * {@code States.HeartbeatTimeout} unless the processor finishes within its HeartbeatSeconds:
     * the same thing a crashed worker causes, which the demo's {@code hang} mode uses to show it.
     */
    void stop();
}
