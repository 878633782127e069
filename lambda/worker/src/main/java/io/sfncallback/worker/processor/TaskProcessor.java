package io.sfncallback.worker.processor;

/**
 * The extension point: the real work behind a Step Functions task.
 *
 * <p>The worker calls {@link #process} once per SQS record that carries a usable task, on its own
 * thread, while it sends heartbeats for the task. Return what happened as a {@link TaskResult}:
 * <ul>
 *   <li>{@link TaskResult#complete} — the task succeeded; the output becomes the state's result;</li>
 *   <li>{@link TaskResult#reject} — a business failure; the execution fails with your error and cause;</li>
 *   <li>{@link TaskResult#retryLater} — a transient problem; the message is redelivered, and on its
 *       last allowed receive the task fails with {@code Worker.RetriesExhausted}.</li>
 * </ul>
 * Anything thrown fails the task with {@code Worker.Unhandled}. What you return becomes part of the
 * state's output (the input with your output at {@code $.result}), which Step Functions limits to
 * 256 KiB: an output that would not fit fails the task with {@code Worker.StateOutputTooLarge}
 * instead of failing the execution uncatchably. SQS delivers at least once, so the
 * same task can arrive twice: make the work idempotent (the second callback is answered
 * {@code TaskTimedOut} and ignored, but side effects of the work itself are yours to guard).
 *
 * <p>Implementations need a public no-argument constructor and are named by the
 * {@code PROCESSOR_CLASS} environment variable. One instance serves every record, concurrently:
 * it must be thread-safe. When the task closes while you work (it timed out, or the execution was
 * stopped), the worker interrupts the thread and ignores the result: check
 * {@link Heartbeat#isTaskClosed()} or respond to interruption in long loops.
 */
@FunctionalInterface
public interface TaskProcessor {

    TaskResult process(TaskContext context) throws Exception;
}
