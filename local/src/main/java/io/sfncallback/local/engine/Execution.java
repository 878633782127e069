package io.sfncallback.local.engine;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.sfncallback.local.asl.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One execution of a state machine. Every field is guarded by this object's monitor: the interpreter, the
 * callbacks and the API read and change it only while holding it.
 */
public final class Execution {
    private final String arn;
    private final String name;
    private final StateMachine stateMachine;
    private final String input;
    private final Instant startDate;
    private final List<HistoryEvent> events = new ArrayList<>();

    private ExecutionStatus status = ExecutionStatus.RUNNING;
    private Instant stopDate;
    private String output;
    private String error;
    private String cause;

    // The state being run: its name, input, when it was entered and that event's id.
    String stateName;
    JsonElement stateInput;
    Instant stateEnteredTime;
    long stateEnteredEventId;
    // The Task state being run, if any.
    TaskState taskState;
    int retryCount;
    int[] retrierAttempts;
    TaskAttempt attempt;
    ScheduledFuture<?> pendingRetry;
    ScheduledFuture<?> executionTimeout;

    Execution(String arn, String name, StateMachine stateMachine, String input, Instant startDate) {
        this.arn = arn;
        this.name = name;
        this.stateMachine = stateMachine;
        this.input = input;
        this.startDate = startDate;
    }

    public String arn() {
        return arn;
    }

    public String name() {
        return name;
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }

    public String input() {
        return input;
    }

    public Instant startDate() {
        return startDate;
    }

    public synchronized ExecutionStatus status() {
        return status;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(arn, name, stateMachine.arn(), status, input, output, error, cause, startDate, stopDate);
    }

    public synchronized List<HistoryEvent> events() {
        return List.copyOf(events);
    }

    synchronized long addEvent(Instant at, String type, String detailsField, JsonObject details) {
        long id = events.size() + 1;
        events.add(new HistoryEvent(id, id - 1, at, type, detailsField, details));
        return id;
    }

    synchronized boolean isRunning() {
        return status == ExecutionStatus.RUNNING;
    }

    /** Ends the execution; releases the running task, if any, and every timer. */
    synchronized void finish(ExecutionStatus finalStatus, Instant at, String finalOutput, String finalError,
            String finalCause) {
        status = finalStatus;
        stopDate = at;
        output = finalOutput;
        error = finalError;
        cause = finalCause;
        if (attempt != null) {
            attempt.close();
        }
        if (pendingRetry != null) {
            pendingRetry.cancel(false);
        }
        if (executionTimeout != null) {
            executionTimeout.cancel(false);
        }
    }

    /** What DescribeExecution and ListExecutions show. */
    public record Snapshot(String executionArn, String name, String stateMachineArn, ExecutionStatus status,
            String input, String output, String error, String cause, Instant startDate, Instant stopDate) {
    }
}
