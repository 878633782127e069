package io.sfncallback.local.engine;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.jayway.jsonpath.PathNotFoundException;
import io.sfncallback.local.asl.Catcher;
import io.sfncallback.local.asl.ErrorNames;
import io.sfncallback.local.asl.FailState;
import io.sfncallback.local.asl.PayloadTemplate;
import io.sfncallback.local.asl.ReferencePath;
import io.sfncallback.local.asl.Retrier;
import io.sfncallback.local.asl.State;
import io.sfncallback.local.asl.SucceedState;
import io.sfncallback.local.asl.TaskState;
import io.sfncallback.local.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Runs executions through the states of their definition, recording the history events AWS records. Every method
 * that takes an {@link Execution} must be called while holding that execution's monitor; timers re-enter through
 * the executor and take the monitor themselves.
 */
final class Interpreter {

    private static final DateTimeFormatter CONTEXT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final MessageSender sender;
    private final TaskTokens tokens;
    private final String region;
    private final DoubleSupplier random;

    Interpreter(Clock clock, Executor executor, ScheduledExecutorService scheduler, MessageSender sender,
            TaskTokens tokens, String region, DoubleSupplier random) {
        this.clock = clock;
        this.executor = executor;
        this.scheduler = scheduler;
        this.sender = sender;
        this.tokens = tokens;
        this.region = region;
        this.random = random;
    }

    void begin(Execution execution) {
        Integer timeout = execution.stateMachine().definition().timeoutSeconds();
        if (timeout != null) {
            execution.executionTimeout = later(execution, timeout * 1000L, () -> executionTimedOut(execution));
        }
        enter(execution, execution.stateMachine().definition().startAt(), Json.parse(execution.input()));
    }

    private void enter(Execution execution, String stateName, JsonElement input) {
        State state = execution.stateMachine().definition().state(stateName);
        String inputText = Json.write(input);
        switch (state) {
            case TaskState task -> {
                execution.addEvent(now(), "TaskStateEntered", "stateEnteredEventDetails",
                        Events.stateEntered(task.name(), inputText));
                execution.taskState = task;
                execution.stateInput = input;
                execution.stateEnteredTime = now();
                execution.retryCount = 0;
                execution.retrierAttempts = new int[task.retriers().size()];
                attempt(execution);
            }
            case FailState fail -> {
                execution.addEvent(now(), "FailStateEntered", "stateEnteredEventDetails",
                        Events.stateEntered(fail.name(), inputText));
                fail(execution, fail, input);
            }
            case SucceedState succeed -> {
                execution.addEvent(now(), "SucceedStateEntered", "stateEnteredEventDetails",
                        Events.stateEntered(succeed.name(), inputText));
                execution.addEvent(now(), "SucceedStateExited", "stateExitedEventDetails",
                        Events.stateExited(succeed.name(), inputText));
                succeed(execution, inputText);
            }
        }
    }

    private void attempt(Execution execution) {
        if (!execution.isRunning()) {
            return;
        }
        TaskState task = execution.taskState;
        TaskAttempt attempt = new TaskAttempt(execution, task, tokens.newToken());
        JsonObject parameters;
        try {
            parameters = task.parameters().evaluate(execution.stateInput, context(execution, attempt.token));
        } catch (PayloadTemplate.ParameterPathFailure e) {
            failExecution(execution, ErrorNames.RUNTIME, "An error occurred while executing the state '"
                    + task.name() + "'. " + e.getMessage());
            return;
        }
        execution.addEvent(now(), "TaskScheduled", "taskScheduledEventDetails", Events.taskScheduled(region,
                Json.write(parameters), task.timeoutSeconds() == TaskState.DEFAULT_TIMEOUT_SECONDS ? null
                        : task.timeoutSeconds(), task.heartbeatSeconds()));
        execution.addEvent(now(), "TaskStarted", "taskStartedEventDetails", Events.resource());
        execution.attempt = attempt;
        tokens.register(attempt);

        MessageSender.SentMessage sent;
        try {
            sent = send(task, parameters);
        } catch (MessageSender.SendFailure e) {
            attempt.close();
            execution.addEvent(now(), "TaskFailed", "taskFailedEventDetails",
                    Events.resourceError(e.error(), e.getMessage()));
            handleError(execution, e.error(), e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            attempt.close();
            failExecution(execution, ErrorNames.RUNTIME, "An error occurred while executing the state '"
                    + task.name() + "'. " + e.getMessage());
            return;
        }
        JsonObject submitted = new JsonObject();
        submitted.addProperty("MD5OfMessageBody", sent.md5OfMessageBody());
        submitted.addProperty("MessageId", sent.messageId());
        execution.addEvent(now(), "TaskSubmitted", "taskSubmittedEventDetails",
                Events.resourceOutput(Json.write(submitted)));

        attempt.timeoutTimer = later(execution, task.timeoutSeconds() * 1000L,
                () -> timedOut(attempt, ErrorNames.TIMEOUT));
        if (task.heartbeatSeconds() != null) {
            attempt.heartbeatTimer = later(execution, task.heartbeatSeconds() * 1000L,
                    () -> timedOut(attempt, ErrorNames.HEARTBEAT_TIMEOUT));
        }
    }

    private MessageSender.SentMessage send(TaskState task, JsonObject parameters) throws MessageSender.SendFailure {
        JsonElement queueUrl = parameters.get("QueueUrl");
        if (queueUrl == null || !queueUrl.isJsonPrimitive() || !queueUrl.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("The QueueUrl parameter must be a string.");
        }
        JsonElement body = parameters.get("MessageBody");
        String bodyText = body.isJsonPrimitive() && body.getAsJsonPrimitive().isString() ? body.getAsString()
                : Json.write(body);
        JsonElement delay = parameters.get("DelaySeconds");
        Integer delaySeconds = null;
        if (delay != null) {
            if (!delay.isJsonPrimitive() || !delay.getAsJsonPrimitive().isNumber()) {
                throw new IllegalArgumentException("The DelaySeconds parameter must be an integer.");
            }
            delaySeconds = delay.getAsInt();
        }
        return sender.send(queueUrl.getAsString(), bodyText, delaySeconds, optionalString(parameters, "MessageGroupId"),
                optionalString(parameters, "MessageDeduplicationId"));
    }

    private static String optionalString(JsonObject parameters, String field) {
        JsonElement value = parameters.get(field);
        return value == null || value.isJsonNull() ? null : value.getAsString();
    }

    private JsonObject context(Execution execution, String token) {
        JsonObject executionContext = new JsonObject();
        executionContext.addProperty("Id", execution.arn());
        executionContext.add("Input", Json.parse(execution.input()));
        executionContext.addProperty("Name", execution.name());
        executionContext.addProperty("RoleArn", execution.stateMachine().roleArn());
        executionContext.addProperty("StartTime", CONTEXT_TIME.format(execution.startDate()));
        executionContext.addProperty("RedriveCount", 0);
        JsonObject state = new JsonObject();
        state.addProperty("EnteredTime", CONTEXT_TIME.format(execution.stateEnteredTime));
        state.addProperty("Name", execution.taskState.name());
        state.addProperty("RetryCount", execution.retryCount);
        JsonObject stateMachine = new JsonObject();
        stateMachine.addProperty("Id", execution.stateMachine().arn());
        stateMachine.addProperty("Name", execution.stateMachine().name());
        JsonObject task = new JsonObject();
        task.addProperty("Token", token);
        JsonObject context = new JsonObject();
        context.add("Execution", executionContext);
        context.add("State", state);
        context.add("StateMachine", stateMachine);
        context.add("Task", task);
        return context;
    }

    void succeeded(TaskAttempt attempt, JsonElement output) {
        Execution execution = attempt.execution;
        attempt.close();
        String outputText = Json.write(output);
        execution.addEvent(now(), "TaskSucceeded", "taskSucceededEventDetails", Events.resourceOutput(outputText));
        TaskState task = attempt.state;
        JsonElement stateOutput;
        try {
            stateOutput = task.resultPath().apply(execution.stateInput, output);
        } catch (ReferencePath.ResultPathMatchFailure e) {
            handleError(execution, ErrorNames.RESULT_PATH_MATCH_FAILURE, e.getMessage());
            return;
        }
        exitTask(execution, task, stateOutput, task.next());
    }

    void failed(TaskAttempt attempt, String error, String cause) {
        Execution execution = attempt.execution;
        attempt.close();
        execution.addEvent(now(), "TaskFailed", "taskFailedEventDetails", Events.resourceError(error, cause));
        handleError(execution, error, cause);
    }

    void heartbeat(TaskAttempt attempt) {
        TaskState task = attempt.state;
        if (task.heartbeatSeconds() == null) {
            return;
        }
        if (attempt.heartbeatTimer != null) {
            attempt.heartbeatTimer.cancel(false);
        }
        attempt.heartbeatTimer = later(attempt.execution, task.heartbeatSeconds() * 1000L,
                () -> timedOut(attempt, ErrorNames.HEARTBEAT_TIMEOUT));
    }

    private void timedOut(TaskAttempt attempt, String error) {
        if (!attempt.isOpen() || !attempt.execution.isRunning()) {
            return;
        }
        attempt.close();
        attempt.execution.addEvent(now(), "TaskTimedOut", "taskTimedOutEventDetails",
                Events.resourceError(error, null));
        handleError(attempt.execution, error, null);
    }

    private void handleError(Execution execution, String error, String cause) {
        TaskState task = execution.taskState;
        if (ErrorNames.isTerminal(error)) {
            failExecution(execution, error, cause);
            return;
        }
        for (int i = 0; i < task.retriers().size(); i++) {
            Retrier retrier = task.retriers().get(i);
            if (ErrorNames.matches(retrier.errorEquals(), error)) {
                if (execution.retrierAttempts[i] < retrier.maxAttempts()) {
                    long delay = retrier.delayMillis(execution.retrierAttempts[i], random);
                    execution.retrierAttempts[i]++;
                    execution.retryCount++;
                    execution.pendingRetry = later(execution, delay, () -> attempt(execution));
                    return;
                }
                break;
            }
        }
        for (Catcher catcher : task.catchers()) {
            if (ErrorNames.matches(catcher.errorEquals(), error)) {
                JsonObject errorOutput = new JsonObject();
                errorOutput.addProperty("Error", error);
                errorOutput.addProperty("Cause", cause == null ? "" : cause);
                JsonElement stateOutput;
                try {
                    stateOutput = catcher.resultPath().apply(execution.stateInput, errorOutput);
                } catch (ReferencePath.ResultPathMatchFailure e) {
                    failExecution(execution, ErrorNames.RUNTIME, e.getMessage());
                    return;
                }
                exitTask(execution, task, stateOutput, catcher.next());
                return;
            }
        }
        failExecution(execution, error, cause);
    }

    private void exitTask(Execution execution, TaskState task, JsonElement output, String next) {
        String outputText = Json.write(output);
        execution.addEvent(now(), "TaskStateExited", "stateExitedEventDetails",
                Events.stateExited(task.name(), outputText));
        execution.taskState = null;
        execution.attempt = null;
        if (next == null) {
            succeed(execution, outputText);
        } else {
            enter(execution, next, output);
        }
    }

    private void fail(Execution execution, FailState fail, JsonElement input) {
        String error;
        String cause;
        try {
            error = fail.errorPath() == null ? fail.error() : stringAt(fail.errorPath(), input);
            cause = fail.causePath() == null ? fail.cause() : stringAt(fail.causePath(), input);
        } catch (IllegalArgumentException e) {
            failExecution(execution, ErrorNames.RUNTIME, "An error occurred while executing the state '"
                    + fail.name() + "'. " + e.getMessage());
            return;
        }
        failExecution(execution, error, cause);
    }

    private static String stringAt(ReferencePath path, JsonElement input) {
        JsonElement value;
        try {
            value = path.read(input);
        } catch (PathNotFoundException e) {
            throw new IllegalArgumentException("The JSONPath '" + path + "' could not be found in the input '"
                    + Json.write(input) + "'");
        }
        if (!(value instanceof JsonPrimitive primitive) || !primitive.isString()) {
            throw new IllegalArgumentException("The JSONPath '" + path + "' must select a string, not "
                    + Json.write(value));
        }
        return value.getAsString();
    }

    private void succeed(Execution execution, String output) {
        execution.addEvent(now(), "ExecutionSucceeded", "executionSucceededEventDetails", Events.output(output));
        execution.finish(ExecutionStatus.SUCCEEDED, now(), output, null, null);
    }

    private void failExecution(Execution execution, String error, String cause) {
        execution.addEvent(now(), "ExecutionFailed", "executionFailedEventDetails",
                Events.errorAndCause(error, cause));
        execution.finish(ExecutionStatus.FAILED, now(), null, error, cause);
    }

    /** A bug of the local stack must not leave an execution RUNNING for ever: it fails, saying so. */
    void failInternally(Execution execution, RuntimeException e) {
        failExecution(execution, ErrorNames.RUNTIME, "Internal error of the local stack: " + e);
    }

    void abort(Execution execution, String error, String cause) {
        execution.addEvent(now(), "ExecutionAborted", "executionAbortedEventDetails",
                Events.errorAndCause(error, cause));
        execution.finish(ExecutionStatus.ABORTED, now(), null, error, cause);
    }

    private void executionTimedOut(Execution execution) {
        if (!execution.isRunning()) {
            return;
        }
        String cause = "The execution ran longer than the state machine's TimeoutSeconds ("
                + execution.stateMachine().definition().timeoutSeconds() + ")";
        execution.addEvent(now(), "ExecutionTimedOut", "executionTimedOutEventDetails",
                Events.errorAndCause(ErrorNames.TIMEOUT, cause));
        execution.finish(ExecutionStatus.TIMED_OUT, now(), null, ErrorNames.TIMEOUT, cause);
    }

    /** Runs {@code action} after {@code millis} on the executor, holding the execution's monitor. */
    private java.util.concurrent.ScheduledFuture<?> later(Execution execution, long millis, Runnable action) {
        return scheduler.schedule(() -> executor.execute(() -> {
            synchronized (execution) {
                if (execution.isRunning()) {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        failInternally(execution, e);
                    }
                }
            }
        }), millis, TimeUnit.MILLISECONDS);
    }

    private Instant now() {
        return clock.instant();
    }
}
