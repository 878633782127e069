package io.sfncallback.local.functions;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.sfncallback.local.engine.FunctionInvoker;
import io.sfncallback.local.json.Json;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The functions the local stack can invoke, by name: register one with {@link #register} (before or after the stack
 * starts) and any form of FunctionName the Lambda Invoke API accepts reaches it: the bare name, the name with a
 * version or alias ({@code name:live}), the full ARN with or without qualifier, or the partial ARN
 * ({@code 123456789012:function:name}) (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). An ARN of
 * another account or region names no function here.
 *
 * <p>Outcomes as Step Functions records them for lambda:invoke (LocalStack parity snapshot
 * tests/aws/services/stepfunctions/v2/error_handling/test_task_service_lambda.snapshot.json): an unknown function
 * fails the task with {@code Lambda.ResourceNotFoundException} and "Function not found: &lt;ARN&gt;:$LATEST (Service:
 * AWSLambda; ...)" (test_no_such_function, recorded 2025-11-25); a function that throws fails it with the error
 * type as the error and Lambda's error payload as the cause (test_raise_exception, recorded 2024-11-28), for Java
 * {@code {"errorMessage", "errorType": "java.lang.RuntimeException", "stackTrace": [...]}} (LocalStack parity
 * snapshot tests/aws/services/lambda_/test_lambda_common.snapshot.json, test_uncaught_exception_invoke[java21],
 * recorded 2026-01-12).
 */
public final class LocalFunctions implements FunctionInvoker {

    private static final Pattern ARN = Pattern.compile(
            "arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\\d{12}):function:([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9$_-]+))?");
    private static final Pattern PARTIAL_ARN =
            Pattern.compile("(\\d{12}):function:([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9$_-]+))?");
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9$_-]+))?");

    private final String region;
    private final String accountId;
    private final Map<String, LocalFunction> byName = new ConcurrentHashMap<>();

    public LocalFunctions(String region, String accountId) {
        this.region = Objects.requireNonNull(region, "region");
        this.accountId = Objects.requireNonNull(accountId, "accountId");
    }

    /** Registers {@code function} under {@code name} (a bare function name), replacing any before it. */
    public LocalFunctions register(String name, LocalFunction function) {
        if (!NAME.matcher(name).matches() || name.contains(":")) {
            throw new IllegalArgumentException("not a Lambda function name: " + name);
        }
        byName.put(name, Objects.requireNonNull(function, "function"));
        return this;
    }

    @Override
    public Outcome invoke(String functionName, JsonElement payload) {
        String name = null;
        String qualifier = null;
        Matcher arn = ARN.matcher(functionName);
        Matcher partial = PARTIAL_ARN.matcher(functionName);
        Matcher bare = NAME.matcher(functionName);
        if (arn.matches()) {
            if (arn.group(1).equals(region) && arn.group(2).equals(accountId)) {
                name = arn.group(3);
                qualifier = arn.group(4);
            }
        } else if (partial.matches()) {
            if (partial.group(1).equals(accountId)) {
                name = partial.group(2);
                qualifier = partial.group(3);
            }
        } else if (bare.matches()) {
            name = bare.group(1);
            qualifier = bare.group(2);
        }
        LocalFunction function = name == null ? null : byName.get(name);
        if (function == null) {
            String shown = name == null ? functionName
                    : "arn:aws:lambda:" + region + ":" + accountId + ":function:" + name + ":"
                            + (qualifier == null ? "$LATEST" : qualifier);
            return new Outcome.ServiceError("Lambda.ResourceNotFoundException", "Function not found: " + shown
                    + " (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: "
                    + UUID.randomUUID() + "; Proxy: null)");
        }
        try {
            JsonElement result = function.handle(payload == null ? JsonNull.INSTANCE : payload.deepCopy());
            return new Outcome.Returned("$LATEST", result == null ? JsonNull.INSTANCE : result);
        } catch (Exception | Error e) {
            return new Outcome.FunctionError(e.getClass().getName(), errorPayload(e));
        }
    }

    /** Lambda's Java runtime error payload: errorMessage, errorType, stackTrace. */
    static String errorPayload(Throwable e) {
        JsonObject error = new JsonObject();
        error.addProperty("errorMessage", e.getMessage());
        error.addProperty("errorType", e.getClass().getName());
        JsonArray stackTrace = new JsonArray();
        for (StackTraceElement element : e.getStackTrace()) {
            stackTrace.add(element.toString());
        }
        error.add("stackTrace", stackTrace);
        return Json.write(error);
    }
}
