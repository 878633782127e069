package io.sfncallback.approval;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.sfncallback.approval.aws.ApprovalClients;
import io.sfncallback.approval.config.ApprovalConfig;
import io.sfncallback.approval.link.LinkSecrets;
import io.sfncallback.approval.notify.ApprovalNotifier;
import io.sfncallback.approval.request.ApprovalRequester;
import io.sfncallback.approval.request.RequestOutcome;
import io.sfncallback.approval.snapstart.Priming;
import io.sfncallback.approval.snapstart.RequestPriming;
import io.sfncallback.approval.store.ApprovalStore;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.logging.JsonLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.crac.Core;
import org.crac.Resource;

/**
 * The Lambda entry point of the approval task
 * ({@code io.sfncallback.approval.ApprovalRequestHandler::handleRequest}), invoked by Step Functions'
 * {@code lambda:invoke.waitForTaskToken} with
 * {@code {"TaskToken": $$.Task.Token, "ExecutionArn": $$.Execution.Id, "Request": {"summary": "…"}}}.
 *
 * <p>Thin, like the worker's handler: the constructor runs in the init phase, reads the
 * configuration once (failing the init with the variable's name on a bad value), builds the
 * clients and registers the SnapStart priming hook ({@link RequestPriming}); each invocation hands
 * the payload to {@link ApprovalRequester}. The return value is a small JSON object without token
 * or links; Step Functions keeps waiting for the callback either way
 * (<a href="https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token">wait
 * for a callback with the task token</a>). An exception, when AWS services keep failing, fails the
 * invocation so that the state's Retry applies.
 */
public final class ApprovalRequestHandler implements RequestStreamHandler {

    /** Step Functions' payload quota; a larger input is not an approval task's. */
    static final int MAX_PAYLOAD_BYTES = 262_144;

    private final ApprovalRequester requester;
    private final JsonLog log;
    // Held so the CRaC context, which may reference resources weakly, keeps it until the snapshot.
    private final Priming priming;

    /** Used by the Lambda runtime: the configuration comes from the environment. */
    public ApprovalRequestHandler() {
        this(System.getenv());
    }

    /** Configuration from the given variables; used by the local stack and tests. */
    public ApprovalRequestHandler(Map<String, String> environment) {
        this(ApprovalConfig.fromEnvironment(environment).requireRequestSettings(), Clock.systemUTC());
    }

    ApprovalRequestHandler(ApprovalConfig config, Clock clock) {
        this(config, requester(config, new ApprovalClients(config), clock),
                new JsonLog(LambdaRuntime.getLogger(), config.logLevel(), null, clock));
    }

    private ApprovalRequestHandler(ApprovalConfig config, ApprovalRequester requester, JsonLog log) {
        this(requester, log, new RequestPriming(config, log), Core.getGlobalContext());
        log.at(LogLevel.INFO, "approval request handler ready")
                .with("approvers", config.approvers().size())
                .with("timeoutSeconds", config.timeout().toSeconds())
                .write();
    }

    /** Registers {@code priming} as the SnapStart hook with {@code crac}. */
    ApprovalRequestHandler(ApprovalRequester requester, JsonLog log, Priming priming, org.crac.Context<Resource> crac) {
        this.requester = Objects.requireNonNull(requester, "requester");
        this.log = Objects.requireNonNull(log, "log");
        this.priming = Objects.requireNonNull(priming, "priming");
        crac.register(priming);
    }

    /** The request service as deployed, from a configuration and its clients. */
    public static ApprovalRequester requester(ApprovalConfig config, ApprovalClients clients, Clock clock) {
        config.requireRequestSettings();
        return new ApprovalRequester(
                new ApprovalStore(clients.dynamoDb(), config.table(), config.retention()),
                new ApprovalNotifier(clients.sns(), config.topicArn()),
                new TaskCallbacks(clients.stepFunctions()),
                new LinkSecrets(),
                config.approvers(),
                config.baseUrl(),
                config.timeout(),
                clock);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonLog invocationLog = log.forInvocation(context);
        RequestOutcome outcome = requester.handle(parse(input), invocationLog);
        output.write(outcome.toJson().toString().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonElement parse(InputStream input) throws IOException {
        byte[] bytes = input.readNBytes(MAX_PAYLOAD_BYTES + 1);
        if (bytes.length > MAX_PAYLOAD_BYTES) {
            return null;
        }
        try {
            return JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            return null;
        }
    }
}
