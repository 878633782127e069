package io.sfncallback.local.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.sfncallback.local.engine.CallbackRejected;
import io.sfncallback.local.engine.Execution;
import io.sfncallback.local.engine.ExecutionEngine;
import io.sfncallback.local.engine.HistoryEvent;
import io.sfncallback.local.engine.StateMachine;
import io.sfncallback.local.json.Json;
import io.sfncallback.testkit.CallbackLedger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The Step Functions operations the local stack answers, with the request constraints and error codes of the
 * AWS Step Functions API reference (https://docs.aws.amazon.com/step-functions/latest/apireference/).
 */
public final class SfnApi implements ApiCall {

    /** SendTaskSuccess output and StartExecution input: 256 KiB of UTF-8, the Step Functions payload quota. */
    static final int MAX_PAYLOAD = 262_144;
    static final int MAX_TOKEN = 2048;
    static final int MAX_ERROR = 256;
    static final int MAX_CAUSE = 32_768;
    private static final int DEFAULT_PAGE = 100;
    private static final Set<String> STATUSES =
            Set.of("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE");

    private final Arns arns;
    private final StateMachines stateMachines;
    private final ExecutionEngine engine;
    private final CallbackLedger ledger;

    public SfnApi(Arns arns, StateMachines stateMachines, ExecutionEngine engine, CallbackLedger ledger) {
        this.arns = arns;
        this.stateMachines = stateMachines;
        this.engine = engine;
        this.ledger = ledger;
    }

    @Override
    public JsonObject call(String operation, JsonObject body) throws ApiException {
        Request request = new Request(body);
        return switch (operation) {
            case "CreateStateMachine" -> createStateMachine(request);
            case "DescribeStateMachine" -> describeStateMachine(request);
            case "ListStateMachines" -> listStateMachines();
            case "StartExecution" -> startExecution(request);
            case "DescribeExecution" -> describeExecution(request);
            case "ListExecutions" -> listExecutions(request);
            case "GetExecutionHistory" -> getExecutionHistory(request);
            case "StopExecution" -> stopExecution(request);
            case "SendTaskSuccess" -> sendTaskSuccess(request);
            case "SendTaskFailure" -> sendTaskFailure(request);
            case "SendTaskHeartbeat" -> sendTaskHeartbeat(request);
            default -> throw new ApiException("UnknownOperationException",
                    "The local stack does not implement the operation '" + operation + "'");
        };
    }

    private JsonObject createStateMachine(Request request) throws ApiException {
        String name = request.requiredString("name", 1, 80);
        String definition = request.requiredString("definition", 1, 1_048_576);
        String roleArn = request.requiredString("roleArn", 1, 256);
        String type = request.optionalString("type", 0, 20);
        if (!Arns.isValidName(name)) {
            throw new ApiException("InvalidName", "Invalid Name: '" + name + "'");
        }
        if (type != null && !type.equals("STANDARD")) {
            throw new ApiException("StateMachineTypeNotSupported",
                    "The local stack runs STANDARD state machines only, not " + type);
        }
        StateMachine created = stateMachines.create(name, definition, roleArn);
        JsonObject response = new JsonObject();
        response.addProperty("stateMachineArn", created.arn());
        response.addProperty("creationDate", Json.epochSeconds(created.creationDate()));
        return response;
    }

    private JsonObject describeStateMachine(Request request) throws ApiException {
        StateMachine machine = stateMachine(request.requiredString("stateMachineArn", 1, 256));
        JsonObject response = new JsonObject();
        response.addProperty("stateMachineArn", machine.arn());
        response.addProperty("name", machine.name());
        response.addProperty("status", "ACTIVE");
        response.addProperty("definition", machine.definitionText());
        response.addProperty("roleArn", machine.roleArn());
        response.addProperty("type", "STANDARD");
        response.addProperty("creationDate", Json.epochSeconds(machine.creationDate()));
        JsonObject logging = new JsonObject();
        logging.addProperty("level", "OFF");
        logging.addProperty("includeExecutionData", false);
        response.add("loggingConfiguration", logging);
        return response;
    }

    private JsonObject listStateMachines() {
        JsonArray list = new JsonArray();
        for (StateMachine machine : stateMachines.list()) {
            JsonObject item = new JsonObject();
            item.addProperty("stateMachineArn", machine.arn());
            item.addProperty("name", machine.name());
            item.addProperty("type", "STANDARD");
            item.addProperty("creationDate", Json.epochSeconds(machine.creationDate()));
            list.add(item);
        }
        JsonObject response = new JsonObject();
        response.add("stateMachines", list);
        return response;
    }

    private JsonObject startExecution(Request request) throws ApiException {
        StateMachine machine = stateMachine(request.requiredString("stateMachineArn", 1, 256));
        String name = request.optionalString("name", 1, 80);
        if (name == null) {
            name = UUID.randomUUID().toString();
        } else if (!Arns.isValidName(name)) {
            throw new ApiException("InvalidName", "Invalid Name: '" + name + "'");
        }
        String input = request.optionalPayload("input", MAX_PAYLOAD);
        if (input == null) {
            input = "{}";
        }
        // An empty string is not an absent input: AWS answers "Invalid execution input." (LocalStack parity snapshot
        // tests/aws/services/stepfunctions/v2/test_sfn_api.snapshot.json, test_invalid_start_execution_input,
        // recorded against AWS 2023-06-22); any JSON value, a number or null included, is accepted.
        if (input.isEmpty()) {
            throw new ApiException("InvalidExecutionInput", "Invalid State Machine Execution Input: 'Invalid execution input.'");
        }
        if (Json.parseStrict(input).isEmpty()) {
            throw new ApiException("InvalidExecutionInput",
                    "Invalid State Machine Execution Input: 'the input is not valid JSON'");
        }
        request.optionalString("traceHeader", 0, 256);
        ExecutionEngine.Started started;
        try {
            started = engine.start(machine, arns.execution(machine.name(), name), name, input);
        } catch (ExecutionEngine.ExecutionAlreadyExists e) {
            throw new ApiException("ExecutionAlreadyExists", e.getMessage());
        }
        JsonObject response = new JsonObject();
        response.addProperty("executionArn", started.execution().arn());
        response.addProperty("startDate", Json.epochSeconds(started.execution().startDate()));
        return response;
    }

    private JsonObject describeExecution(Request request) throws ApiException {
        Execution.Snapshot execution = execution(request.requiredString("executionArn", 1, 256)).snapshot();
        JsonObject response = new JsonObject();
        response.addProperty("executionArn", execution.executionArn());
        response.addProperty("stateMachineArn", execution.stateMachineArn());
        response.addProperty("name", execution.name());
        response.addProperty("status", execution.status().name());
        response.addProperty("startDate", Json.epochSeconds(execution.startDate()));
        if (execution.stopDate() != null) {
            response.addProperty("stopDate", Json.epochSeconds(execution.stopDate()));
        }
        response.addProperty("input", execution.input());
        response.add("inputDetails", included());
        if (execution.output() != null) {
            response.addProperty("output", execution.output());
            response.add("outputDetails", included());
        }
        if (execution.error() != null) {
            response.addProperty("error", execution.error());
        }
        if (execution.cause() != null) {
            response.addProperty("cause", execution.cause());
        }
        response.addProperty("redriveCount", 0);
        return response;
    }

    private JsonObject listExecutions(Request request) throws ApiException {
        String stateMachineArn = request.optionalString("stateMachineArn", 1, 256);
        if (request.optionalString("mapRunArn", 1, 2000) != null) {
            throw new ApiException("ValidationException", "The local stack has no Map Runs");
        }
        if (stateMachineArn == null) {
            throw ApiException.validation("Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null");
        }
        stateMachine(stateMachineArn);
        String statusFilter = request.optionalString("statusFilter", 1, 20);
        if (statusFilter != null && !STATUSES.contains(statusFilter)) {
            throw ApiException.validation("Value '" + statusFilter + "' at 'statusFilter' failed to satisfy "
                    + "constraint: Member must satisfy enum value set: " + new java.util.TreeSet<>(STATUSES));
        }
        int maxResults = pageSize(request);
        int offset = PageToken.decode(request.optionalString("nextToken", 1, 3096), stateMachineArn);
        List<Execution.Snapshot> matching = new ArrayList<>();
        for (Execution execution : engine.list(stateMachineArn)) {
            Execution.Snapshot snapshot = execution.snapshot();
            if (statusFilter == null || snapshot.status().name().equals(statusFilter)) {
                matching.add(snapshot);
            }
        }
        JsonArray page = new JsonArray();
        for (int i = offset; i < Math.min(matching.size(), offset + maxResults); i++) {
            Execution.Snapshot execution = matching.get(i);
            JsonObject item = new JsonObject();
            item.addProperty("executionArn", execution.executionArn());
            item.addProperty("stateMachineArn", execution.stateMachineArn());
            item.addProperty("name", execution.name());
            item.addProperty("status", execution.status().name());
            item.addProperty("startDate", Json.epochSeconds(execution.startDate()));
            if (execution.stopDate() != null) {
                item.addProperty("stopDate", Json.epochSeconds(execution.stopDate()));
            }
            page.add(item);
        }
        JsonObject response = new JsonObject();
        response.add("executions", page);
        if (offset + maxResults < matching.size()) {
            response.addProperty("nextToken", PageToken.encode(stateMachineArn, offset + maxResults));
        }
        return response;
    }

    private JsonObject getExecutionHistory(Request request) throws ApiException {
        String executionArn = request.requiredString("executionArn", 1, 256);
        Execution execution = execution(executionArn);
        int maxResults = pageSize(request);
        boolean reverse = request.optionalBoolean("reverseOrder", false);
        boolean includeData = request.optionalBoolean("includeExecutionData", true);
        int offset = PageToken.decode(request.optionalString("nextToken", 1, 3096), executionArn);
        List<HistoryEvent> events = new ArrayList<>(execution.events());
        if (reverse) {
            Collections.reverse(events);
        }
        JsonArray page = new JsonArray();
        for (int i = offset; i < Math.min(events.size(), offset + maxResults); i++) {
            page.add(event(events.get(i), includeData));
        }
        JsonObject response = new JsonObject();
        response.add("events", page);
        if (offset + maxResults < events.size()) {
            response.addProperty("nextToken", PageToken.encode(executionArn, offset + maxResults));
        }
        return response;
    }

    private static JsonObject event(HistoryEvent event, boolean includeData) {
        JsonObject json = new JsonObject();
        json.addProperty("timestamp", Json.epochSeconds(event.timestamp()));
        json.addProperty("type", event.type());
        json.addProperty("id", event.id());
        json.addProperty("previousEventId", event.previousEventId());
        JsonObject details = event.details().deepCopy();
        if (!includeData) {
            for (String data : List.of("input", "output", "parameters")) {
                details.remove(data);
            }
        }
        json.add(event.detailsField(), details);
        return json;
    }

    private JsonObject stopExecution(Request request) throws ApiException {
        Execution execution = execution(request.requiredString("executionArn", 1, 256));
        String error = request.optionalString("error", 0, MAX_ERROR);
        String cause = request.optionalString("cause", 0, MAX_CAUSE);
        engine.stop(execution, error, cause);
        JsonObject response = new JsonObject();
        Instant stopDate = execution.snapshot().stopDate();
        response.addProperty("stopDate", Json.epochSeconds(stopDate == null ? Instant.now() : stopDate));
        return response;
    }

    private JsonObject sendTaskSuccess(Request request) throws ApiException {
        String token = request.requiredString("taskToken", 1, MAX_TOKEN);
        String output = request.optionalPayload("output", MAX_PAYLOAD);
        if (output == null) {
            throw ApiException.validation("Value null at 'output' failed to satisfy constraint: Member must not be null");
        }
        // "" is not JSON: InvalidOutput, "The provided JSON output data is not valid"
        // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html).
        JsonElement parsed = Json.parseStrict(output)
                .orElseThrow(() -> new ApiException("InvalidOutput", "Invalid Output: 'the output is not valid JSON'"));
        try {
            engine.sendTaskSuccess(token, parsed);
            ledger.completion(token, true);
        } catch (CallbackRejected e) {
            countRejected(token, e);
            throw new ApiException(e.errorCode(), e.getMessage());
        }
        return new JsonObject();
    }

    /** Rejected completions are counted for tokens the engine issued only: unknown tokens cost no memory. */
    private void countRejected(String token, CallbackRejected e) {
        if (!"InvalidToken".equals(e.errorCode())) {
            ledger.completion(token, false);
        }
    }

    private JsonObject sendTaskFailure(Request request) throws ApiException {
        String token = request.requiredString("taskToken", 1, MAX_TOKEN);
        String error = request.optionalString("error", 0, MAX_ERROR);
        String cause = request.optionalString("cause", 0, MAX_CAUSE);
        try {
            engine.sendTaskFailure(token, error, cause);
            ledger.completion(token, true);
        } catch (CallbackRejected e) {
            countRejected(token, e);
            throw new ApiException(e.errorCode(), e.getMessage());
        }
        return new JsonObject();
    }

    private JsonObject sendTaskHeartbeat(Request request) throws ApiException {
        String token = request.requiredString("taskToken", 1, MAX_TOKEN);
        if (engine.issued(token)) {
            ledger.heartbeat(token);
        }
        try {
            engine.sendTaskHeartbeat(token);
        } catch (CallbackRejected e) {
            throw new ApiException(e.errorCode(), e.getMessage());
        }
        return new JsonObject();
    }

    private StateMachine stateMachine(String arn) throws ApiException {
        arns.requireStatesArn(arn, "stateMachine");
        return stateMachines.find(arn).orElseThrow(() ->
                new ApiException("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'"));
    }

    private Execution execution(String arn) throws ApiException {
        arns.requireStatesArn(arn, "execution");
        return engine.find(arn).orElseThrow(() ->
                new ApiException("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'"));
    }

    private static int pageSize(Request request) throws ApiException {
        int maxResults = request.optionalInt("maxResults", 0, 1000, 0);
        return maxResults == 0 ? DEFAULT_PAGE : maxResults;
    }

    private static JsonObject included() {
        JsonObject details = new JsonObject();
        details.addProperty("included", true);
        return details;
    }
}
