package io.sfncallback.local.host;

import io.sfncallback.local.approval.HostedApproval;
import io.sfncallback.local.esm.EventSourceMapping;
import io.sfncallback.local.esm.FunctionSettings;
import io.sfncallback.local.esm.LogSink;
import io.sfncallback.local.esm.WorkerFunction;
import io.sfncallback.local.functions.LocalFunctions;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A deployed stack's functions run here, against endpoints this process did not start: the worker behind a local
 * event source mapping that polls the deployed tasks queue with the deployed mapping's settings, and, when the
 * stack has them, the approval functions (the page behind a local approval endpoint, the request function behind a
 * local Lambda Invoke endpoint). Each function gets the environment it was deployed with, plus what Lambda sets and
 * {@code AWS_ENDPOINT_URL} when an endpoint was given. Nothing else is started.
 */
public final class HostedFunctions implements AutoCloseable {

    /** What to host and where: the deployed stack's name prefix, the jars, the local ports (0 = a free one). */
    public record Settings(Optional<String> endpointUrl, String region, String namePrefix, Path workerJar,
            Path approvalJar, String host, int approvalPort, int invokePort, int pollWaitSeconds) {
    }

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private DeployedStack.Mapping mapping;
    private HostedApproval approval;
    private InvokeEndpoint invoke;

    private HostedFunctions() {
    }

    /** Reads the deployed configuration with {@code deployed} and starts; on failure stops what it started. */
    public static HostedFunctions start(Settings settings, DeployedStack deployed, SqsClient sqs, LogSink functionLog,
            Consumer<String> progress) throws Exception {
        HostedFunctions hosted = new HostedFunctions();
        try {
            hosted.startAll(settings, deployed, sqs, functionLog, progress);
            return hosted;
        } catch (Exception | Error e) {
            hosted.close();
            throw e;
        }
    }

    private void startAll(Settings settings, DeployedStack deployed, SqsClient sqs, LogSink functionLog,
            Consumer<String> progress) throws Exception {
        String workerName = settings.namePrefix() + "-worker";
        DeployedStack.Function worker = deployed.function(workerName).orElseThrow(() -> new IllegalStateException(
                "no function " + workerName + " with the alias " + DeployedStack.ALIAS + " (is the stack deployed, "
                        + "with this name prefix and region?)"));
        mapping = deployed.sqsMapping(workerName).orElseThrow(() -> new IllegalStateException(
                "no SQS event source mapping invokes " + workerName));
        progress.accept("deployed mapping " + mapping.uuid() + " (" + mapping.state() + "): " + mapping.queueUrl()
                + ", batch size " + mapping.batchSize() + ", window " + mapping.batchingWindowSeconds()
                + " s, maximum concurrency " + mapping.maxConcurrency());
        boolean emulator = settings.endpointUrl().map(url -> url.startsWith("http://127.0.0.1:")
                || url.startsWith("http://localhost:")).orElse(false);
        if ("Enabled".equalsIgnoreCase(mapping.state()) && !emulator) {
            progress.accept("WARNING: the deployed mapping is enabled: the deployed worker competes for the same "
                    + "messages (disable it, or use a separate stack; local/README.md, Host mode)");
        }
        FunctionSettings workerSettings = settings(worker, settings.workerJar(), settings);
        WorkerFunction function = own(new WorkerFunction(workerSettings, mapping.queueArn(), functionLog));
        EventSourceMapping local = own(new EventSourceMapping(sqs, function, new EventSourceMapping.Settings(
                mapping.queueUrl(), mapping.batchSize(), mapping.batchingWindowSeconds(), mapping.maxConcurrency(),
                worker.timeoutSeconds(), settings.pollWaitSeconds()), functionLog));
        try {
            local.start();
        } catch (WorkerFunction.InvocationFailure e) {
            throw new IllegalStateException("the worker could not start: its init phase failed with "
                    + e.getMessage(), e);
        }
        progress.accept("hosting " + workerName + " (" + worker.handlerClass() + ", timeout " + worker.timeoutSeconds()
                + " s) polling " + mapping.queueUrl());

        String requestName = settings.namePrefix() + "-approval-request";
        String pageName = settings.namePrefix() + "-approval-page";
        Optional<DeployedStack.Function> request = deployed.function(requestName);
        Optional<DeployedStack.Function> page = deployed.function(pageName);
        if (request.isEmpty() || page.isEmpty()) {
            progress.accept("no approval functions deployed (approval_enabled = false): hosting the worker only");
            return;
        }
        approval = own(HostedApproval.start(settings(request.get(), settings.approvalJar(), settings),
                settings(page.get(), settings.approvalJar(), settings), settings.host(), settings.approvalPort(),
                functionLog, line -> functionLog.line("INFO", "[approval-endpoint] " + line)));
        LocalFunctions functions = new LocalFunctions(settings.region(), accountOf(request.get().arn()));
        functions.register(requestName, approval.requestFunction());
        invoke = own(InvokeEndpoint.start(settings.host(), settings.invokePort(), functions,
                line -> functionLog.line("INFO", "[invoke-endpoint] " + line)));
        progress.accept("hosting " + pageName + " at " + approval.endpoint() + "/approvals/{link} and "
                + requestName + " at " + invoke.endpoint() + "/2015-03-31/functions/" + requestName + "/invocations");
    }

    /** The deployed configuration as the local runtime's settings, with what Lambda adds and the endpoint. */
    static FunctionSettings settings(DeployedStack.Function function, Path jar, Settings settings) {
        Map<String, String> environment = new LinkedHashMap<>(function.environment());
        environment.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memorySizeMb()));
        environment.putIfAbsent("AWS_LAMBDA_LOG_LEVEL", "INFO");
        environment.put("AWS_REGION", settings.region());
        environment.put("AWS_DEFAULT_REGION", settings.region());
        settings.endpointUrl().ifPresent(url -> environment.put("AWS_ENDPOINT_URL", url));
        return new FunctionSettings(jar, function.handlerClass(), function.name(), environment,
                function.timeoutSeconds(), function.memorySizeMb(), settings.region(), accountOf(function.arn()));
    }

    private static String accountOf(String functionArn) {
        String[] parts = functionArn == null ? new String[0] : functionArn.split(":");
        return parts.length > 4 ? parts[4] : "000000000000";
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    public DeployedStack.Mapping mapping() {
        return mapping;
    }

    /** The approval endpoint's origin, when the approval functions are hosted. */
    public Optional<String> approvalEndpoint() {
        return Optional.ofNullable(approval).map(HostedApproval::endpoint);
    }

    /** The Lambda Invoke endpoint, when the approval functions are hosted. */
    public Optional<String> invokeEndpoint() {
        return Optional.ofNullable(invoke).map(InvokeEndpoint::endpoint);
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("[host] could not stop " + resource.getClass().getSimpleName() + ": " + e);
            }
        }
    }
}
