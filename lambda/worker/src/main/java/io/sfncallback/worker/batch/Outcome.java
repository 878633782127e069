package io.sfncallback.worker.batch;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;

/**
 * The end of one SQS record, as the design's outcome table defines it. Each outcome either lets
 * the record be deleted (the task is answered, or cannot be answered any more) or reports it as a
 * batch item failure so that SQS delivers it again (and, after the max receive count, moves it to
 * the dead-letter queue).
 */
public enum Outcome {
    /** SendTaskSuccess was accepted. */
    SUCCEEDED(false, LogLevel.INFO),
    /** SendTaskFailure was accepted: rejected, unhandled, output too large, retries exhausted, bad input. */
    FAILED(false, LogLevel.INFO),
    /**
     * Step Functions answered TaskTimedOut / TaskDoesNotExist, to the callback or to a heartbeat
     * before the work started (which then never starts): a duplicate or late message.
     */
    TASK_CLOSED(false, LogLevel.WARN),
    /** A heartbeat learned that the task closed while the processor worked; its result was dropped. */
    ABANDONED(false, LogLevel.WARN),
    /**
     * Step Functions answered InvalidToken: it never issued this token (forged, corrupted, cut
     * short, or from another account or region than the one the worker calls). No retry can help,
     * so the record is done; logged as an error because it points at a misconfiguration or at
     * messages that did not come from the state machine.
     */
    INVALID_TOKEN(false, LogLevel.ERROR),
    /** The processor asked for a retry, and receives remain. */
    RETRY(true, LogLevel.INFO),
    /** The body is not a usable task message and has no usable token: only the DLQ can take it. */
    BAD_MESSAGE(true, LogLevel.ERROR),
    /** The callback did not get through (throttling, 5xx, network, permissions) after the SDK's retries. */
    CALLBACK_UNAVAILABLE(true, LogLevel.ERROR),
    /** Too little of the invocation was left to start this record. */
    NOT_STARTED(true, LogLevel.WARN),
    /** The record was still running when the invocation had to return. */
    NOT_FINISHED(true, LogLevel.WARN);

    private final boolean redeliver;
    private final LogLevel level;

    Outcome(boolean redeliver, LogLevel level) {
        this.redeliver = redeliver;
        this.level = level;
    }

    /** True when the record is reported as a batch item failure. */
    public boolean redeliver() {
        return redeliver;
    }

    LogLevel logLevel() {
        return level;
    }
}
