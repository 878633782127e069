package io.sfncallback.local.engine;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.jayway.jsonpath.PathNotFoundException;
import io.sfncallback.local.asl.Catcher;
import io.sfncallback.local.asl.ChoiceRule;
import io.sfncallback.local.asl.ChoiceState;
import io.sfncallback.local.asl.ErrorNames;
import io.sfncallback.local.asl.FailState;
import io.sfncallback.local.asl.Integration;
import io.sfncallback.local.asl.PayloadTemplate;
import io.sfncallback.local.asl.ReferencePath;
import io.sfncallback.local.asl.Retrier;
import io.sfncallback.local.asl.State;
import io.sfncallback.local.asl.StatePath;
import io.sfncallback.local.asl.SucceedState;
import io.sfncallback.local.asl.TaskState;
import io.sfncallback.local.json.Json;
import java.nio.charset.StandardCharsets;
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
 * that takes an {@link Execution} must be called while holding that execution's monitor; timers and Lambda invokes
 * re-enter through the executor and take the monitor themselves.
 */
final class Interpreter {

    /**
     * The payload quota: 256 KiB of UTF-8 for a state's input after Parameters and for its output
     * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html, "States.DataLimitExceeded" in
     * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
     */
    static final int MAX_PAYLOAD_BYTES = 262_144;

    private static final DateTimeFormatter CONTEXT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final MessageSender sender;
    private final FunctionInvoker functions;
    private final TaskTokens tokens;
    private final String region;
    private final DoubleSupplier random;

    Interpreter(Clock clock, Executor executor, ScheduledExecutorService scheduler, MessageSender sender,
            FunctionInvoker functions, TaskTokens tokens, String region, DoubleSupplier random) {
        this.clock = clock;
        this.executor = executor;
        this.scheduler = scheduler;
        this.sender = sender;
        this.functions = functions;
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
        String type = switch (state) {
            case TaskState task -> "TaskStateEntered";
            case ChoiceState choice -> "ChoiceStateEntered";
            case FailState fail -> "FailStateEntered";
            case SucceedState succeed -> "SucceedStateEntered";
        };
        execution.stateEnteredEventId = execution.addEvent(now(), type, "stateEnteredEventDetails",
                Events.stateEntered(stateName, inputText));
        execution.stateName = stateName;
        execution.stateInput = input;
        execution.stateEnteredTime = now();
        execution.retryCount = 0;
        switch (state) {
            case TaskState task -> {
                execution.taskState = task;
                execution.retrierAttempts = new int[task.retriers().size()];
                attempt(execution);
            }
            case ChoiceState choice -> choose(execution, choice, input);
            case FailState fail -> fail(execution, fail, input);
            case SucceedState succeed -> {
                execution.addEvent(now(), "SucceedStateExited", "stateExitedEventDetails",
                        Events.stateExited(succeed.name(), inputText));
                succeed(execution, inputText);
            }
        }
    }

    /** The first matching rule, else Default, else States.NoChoiceMatched; the output is the input. */
    private void choose(Execution execution, ChoiceState choice, JsonElement input) {
        JsonObject context = context(execution, null);
        String next = null;
        try {
            for (ChoiceState.Choice candidate : choice.choices()) {
                if (candidate.rule().matches(input, context)) {
                    next = candidate.next();
                    break;
                }
            }
        } catch (ChoiceRule.ChoiceFailure e) {
            runtimeFailure(execution, e.getMessage());
            return;
        }
        if (next == null) {
            next = choice.defaultNext();
        }
        if (next == null) {
            failExecution(execution, ErrorNames.NO_CHOICE_MATCHED, "No Choice Rule of the Choice state '"
                    + choice.name() + "' matched its input and it has no Default");
            return;
        }
        execution.addEvent(now(), "ChoiceStateExited", "stateExitedEventDetails",
                Events.stateExited(choice.name(), Json.write(input)));
        enter(execution, next, input);
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
            runtimeFailure(execution, e.getMessage());
            return;
        }
        String parametersText = Json.write(parameters);
        if (tooLarge(parametersText)) {
            failExecution(execution, ErrorNames.DATA_LIMIT_EXCEEDED, "The state/task '" + task.name()
                    + "' has an input (after Parameters) with a size exceeding the maximum number of bytes service limit.");
            return;
        }
        Integration integration = task.integration();
        execution.addEvent(now(), "TaskScheduled", "taskScheduledEventDetails", Events.taskScheduled(integration,
                region, parametersText, task.timeoutSeconds() == TaskState.DEFAULT_TIMEOUT_SECONDS ? null
                        : task.timeoutSeconds(), task.heartbeatSeconds()));
        execution.addEvent(now(), "TaskStarted", "taskStartedEventDetails", Events.resource(integration));
        execution.attempt = attempt;
        tokens.register(attempt);
        switch (integration) {
            case SQS_SEND_MESSAGE -> sendMessage(attempt, parameters);
            case LAMBDA_INVOKE -> executor.execute(() -> invoke(attempt, parameters));
        }
    }

    /** SendMessage is quick and local: it runs holding the monitor, so no callback can overtake TaskSubmitted. */
    private void sendMessage(TaskAttempt attempt, JsonObject parameters) {
        MessageSender.SentMessage sent;
        try {
            sent = send(parameters);
        } catch (MessageSender.SendFailure e) {
            failed(attempt, e.error(), e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            attempt.close();
            runtimeFailure(attempt.execution, e.getMessage());
            return;
        }
        JsonObject submitted = new JsonObject();
        submitted.addProperty("MD5OfMessageBody", sent.md5OfMessageBody());
        submitted.addProperty("MessageId", sent.messageId());
        submitted(attempt, submitted);
    }

    /**
     * The synchronous Invoke of the lambda:invoke.waitForTaskToken integration. It runs without the execution's
     * monitor (a function may call back before it returns); its outcome is recorded if the task is still open.
     */
    private void invoke(TaskAttempt attempt, JsonObject parameters) {
        Execution execution = attempt.execution;
        FunctionInvoker.Outcome outcome;
        try {
            JsonElement name = parameters.get("FunctionName");
            if (!(name instanceof JsonPrimitive primitive) || !primitive.isString()) {
                throw new IllegalArgumentException("The FunctionName parameter must be a string.");
            }
            JsonElement payload = parameters.has("Payload") ? parameters.get("Payload") : JsonNull.INSTANCE;
            outcome = functions.invoke(name.getAsString(), payload);
        } catch (IllegalArgumentException e) {
            synchronized (execution) {
                if (execution.isRunning() && attempt.isOpen()) {
                    attempt.close();
                    runtimeFailure(execution, e.getMessage());
                }
            }
            return;
        } catch (RuntimeException e) {
            outcome = new FunctionInvoker.Outcome.ServiceError("Lambda.ServiceException", String.valueOf(e));
        }
        synchronized (execution) {
            if (!execution.isRunning() || !attempt.isOpen()) {
                return;
            }
            try {
                switch (outcome) {
                    case FunctionInvoker.Outcome.Returned returned -> {
                        JsonObject response = new JsonObject();
                        response.addProperty("ExecutedVersion", returned.executedVersion());
                        response.add("Payload", returned.payload() == null ? JsonNull.INSTANCE : returned.payload());
                        response.addProperty("StatusCode", 200);
                        submitted(attempt, response);
                    }
                    case FunctionInvoker.Outcome.FunctionError error ->
                            failed(attempt, error.errorType(), error.errorPayload());
                    case FunctionInvoker.Outcome.ServiceError error -> failed(attempt, error.error(), error.cause());
                }
            } catch (RuntimeException e) {
                failInternally(execution, e);
            }
        }
    }

    private void submitted(TaskAttempt attempt, JsonObject response) {
        TaskState task = attempt.state;
        attempt.execution.addEvent(now(), "TaskSubmitted", "taskSubmittedEventDetails",
                Events.resourceOutput(task.integration(), Json.write(response)));
        attempt.timeoutTimer = later(attempt.execution, task.timeoutSeconds() * 1000L, () -> timedOut(attempt, false));
        if (task.heartbeatSeconds() != null) {
            attempt.heartbeatTimer = later(attempt.execution, task.heartbeatSeconds() * 1000L,
                    () -> timedOut(attempt, true));
        }
    }

    private MessageSender.SentMessage send(JsonObject parameters) throws MessageSender.SendFailure {
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

    /** The context object (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html). */
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
        state.addProperty("Name", execution.stateName);
        state.addProperty("RetryCount", execution.retryCount);
        JsonObject stateMachine = new JsonObject();
        stateMachine.addProperty("Id", execution.stateMachine().arn());
        stateMachine.addProperty("Name", execution.stateMachine().name());
        JsonObject context = new JsonObject();
        context.add("Execution", executionContext);
        context.add("State", state);
        context.add("StateMachine", stateMachine);
        if (token != null) {
            JsonObject task = new JsonObject();
            task.addProperty("Token", token);
            context.add("Task", task);
        }
        return context;
    }

    void succeeded(TaskAttempt attempt, JsonElement output) {
        Execution execution = attempt.execution;
        attempt.close();
        String outputText = Json.write(output);
        execution.addEvent(now(), "TaskSucceeded", "taskSucceededEventDetails",
                Events.resourceOutput(attempt.state.integration(), outputText));
        TaskState task = attempt.state;
        JsonElement stateOutput;
        try {
            stateOutput = task.resultPath().apply(execution.stateInput, output);
        } catch (ReferencePath.ResultPathMatchFailure e) {
            handleError(execution, ErrorNames.RESULT_PATH_MATCH_FAILURE, e.getMessage(), e.getMessage(), false);
            return;
        }
        exitTask(execution, task, stateOutput, task.next());
    }

    /**
     * The task failed: SendTaskFailure ({@code error} and {@code cause} may both be null, both are optional in
     * the API), or the integration could not submit the task.
     */
    void failed(TaskAttempt attempt, String error, String cause) {
        Execution execution = attempt.execution;
        attempt.close();
        execution.addEvent(now(), "TaskFailed", "taskFailedEventDetails",
                Events.resourceError(attempt.state.integration(), error, cause));
        handleError(execution, error, cause, cause, false);
    }

    void heartbeat(TaskAttempt attempt) {
        TaskState task = attempt.state;
        if (task.heartbeatSeconds() == null || attempt.timeoutTimer == null) {
            return;
        }
        if (attempt.heartbeatTimer != null) {
            attempt.heartbeatTimer.cancel(false);
        }
        attempt.heartbeatTimer = later(attempt.execution, task.heartbeatSeconds() * 1000L,
                () -> timedOut(attempt, true));
    }

    /**
     * Both timeouts are recorded as {@code States.Timeout} with no cause (TaskTimedOut, and ExecutionFailed when
     * nothing catches it: LocalStack parity snapshots test_heartbeats.snapshot.json and test_callback.snapshot.json
     * test_sqs_wait_for_task_token_timeout, recorded against AWS 2024-04-18); only Catch and Retry tell them apart.
     * A catcher, though, sees an empty cause: {@code {"Error": "States.Timeout", "Cause": ""}} (LocalStack parity
     * snapshot tests/aws/services/stepfunctions/v2/error_handling/test_task_service_lambda.snapshot.json,
     * test_invoke_timeout, recorded against AWS 2024-11-28).
     */
    private void timedOut(TaskAttempt attempt, boolean heartbeatExpired) {
        if (!attempt.isOpen() || !attempt.execution.isRunning()) {
            return;
        }
        attempt.close();
        attempt.execution.addEvent(now(), "TaskTimedOut", "taskTimedOutEventDetails",
                Events.resourceError(attempt.state.integration(), ErrorNames.TIMEOUT, null));
        handleError(attempt.execution, ErrorNames.TIMEOUT, null, "", heartbeatExpired);
    }

    /**
     * Retries, catches or fails the execution with the task's error. {@code cause} is what the events and an uncaught
     * failure record; {@code caughtCause} is the {@code Cause} a catcher's output holds (they differ for timeouts).
     */
    private void handleError(Execution execution, String error, String cause, String caughtCause,
            boolean heartbeatExpired) {
        TaskState task = execution.taskState;
        if (ErrorNames.isTerminal(error)) {
            failExecution(execution, error, cause);
            return;
        }
        for (int i = 0; i < task.retriers().size(); i++) {
            Retrier retrier = task.retriers().get(i);
            if (ErrorNames.matches(retrier.errorEquals(), error, heartbeatExpired)) {
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
            if (ErrorNames.matches(catcher.errorEquals(), error, heartbeatExpired)) {
                // A missing error or cause stays null: {"Error": null, "Cause": null} for a SendTaskFailure without
                // them (LocalStack parity snapshot test_callback.snapshot.json,
                // test_sqs_failure_in_wait_for_task_tok_no_error_field, recorded against AWS 2024-04-29).
                JsonObject errorOutput = new JsonObject();
                errorOutput.add("Error", error == null ? JsonNull.INSTANCE : new JsonPrimitive(error));
                errorOutput.add("Cause", caughtCause == null ? JsonNull.INSTANCE : new JsonPrimitive(caughtCause));
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
        if (tooLarge(outputText)) {
            // Terminal, and recorded without the StateExited event (LocalStack parity snapshot
            // tests/aws/services/stepfunctions/v2/error_handling/test_states_errors.snapshot.json, test_start_large_input,
            // recorded against AWS 2024-03-21).
            failExecution(execution, ErrorNames.DATA_LIMIT_EXCEEDED, "The state/task '" + task.name()
                    + "' returned a result with a size exceeding the maximum number of bytes service limit.");
            return;
        }
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

    private static boolean tooLarge(String json) {
        return json.length() > MAX_PAYLOAD_BYTES / 4
                && json.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES;
    }

    private void fail(Execution execution, FailState fail, JsonElement input) {
        String error;
        String cause;
        try {
            JsonObject context = context(execution, null);
            error = fail.errorPath() == null ? fail.error() : stringAt(fail.errorPath(), "ErrorPath", input, context);
            cause = fail.causePath() == null ? fail.cause() : stringAt(fail.causePath(), "CausePath", input, context);
        } catch (IllegalArgumentException e) {
            runtimeFailure(execution, e.getMessage());
            return;
        }
        failExecution(execution, error, cause);
    }

    private static String stringAt(StatePath path, String field, JsonElement input, JsonElement context) {
        JsonElement value;
        try {
            value = path.read(input, context);
        } catch (PathNotFoundException e) {
            throw new IllegalArgumentException("The JSONPath '" + path + "' specified for the field '" + field
                    + "' could not be found in the input '" + Json.write(input) + "'");
        }
        if (!(value instanceof JsonPrimitive primitive) || !primitive.isString()) {
            throw new IllegalArgumentException("The JSONPath '" + path + "' specified for the field '" + field
                    + "' must select a string, not " + Json.write(value));
        }
        return value.getAsString();
    }

    /**
     * A States.Runtime failure of the current state, worded as AWS words it ("An error occurred while executing the
     * state 'fail' (entered at the event id #4). ...": LocalStack parity snapshot
     * tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json, recorded 2025-01-02).
     */
    private void runtimeFailure(Execution execution, String message) {
        failExecution(execution, ErrorNames.RUNTIME, "An error occurred while executing the state '"
                + execution.stateName + "' (entered at the event id #" + execution.stateEnteredEventId + "). " + message);
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

    /**
     * The state machine's TimeoutSeconds. DescribeExecution then shows TIMED_OUT with no error and no cause
     * (LocalStack parity snapshot tests/aws/services/stepfunctions/v2/timeouts/test_timeouts.snapshot.json,
     * test_global_timeout, recorded against AWS 2024-03-10).
     */
    private void executionTimedOut(Execution execution) {
        if (!execution.isRunning()) {
            return;
        }
        execution.addEvent(now(), "ExecutionTimedOut", "executionTimedOutEventDetails",
                Events.errorAndCause(ErrorNames.TIMEOUT, null));
        execution.finish(ExecutionStatus.TIMED_OUT, now(), null, null, null);
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
