package io.sfncallback.local.approval;

import com.google.gson.JsonArray;
import io.sfncallback.local.config.LocalStackConfig;
import io.sfncallback.local.esm.FunctionSettings;
import io.sfncallback.local.esm.LogSink;
import io.sfncallback.local.functions.LocalFunction;
import io.sfncallback.local.json.Json;
import io.sfncallback.testkit.DynamoDbLocal;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The human-approval loop on 127.0.0.1, with the handlers of the worker's jar (docs/approval.md): DynamoDB Local with
 * the approvals table, a local SNS endpoint whose messages land in the {@link Outbox}, the approval-request function
 * (for the state machine's {@code lambda:invoke.waitForTaskToken} task) and the page function behind the approval
 * endpoint ({@link ApprovalHttpServer}), each function in its own class loader with the environment Terraform gives
 * it, pointed at the local endpoints.
 */
public final class LocalApproval implements AutoCloseable {

    /** Execution environments per function at most (Lambda's concurrency, kept small). */
    static final int MAX_ENVIRONMENTS = 8;
    /** The functions' timeout; it only bounds what their Context reports as remaining time. */
    static final int FUNCTION_TIMEOUT_SECONDS = 30;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Outbox outbox = new Outbox();
    private DynamoDbLocal dynamoDb;
    private LocalSns sns;
    private ApprovalHttpServer http;
    private ApprovalRequestFunction requestFunction;
    private String topicArn;

    private LocalApproval() {
    }

    /**
     * Starts everything; on failure, stops what was started and throws.
     *
     * @param sfnEndpoint the Step Functions endpoint the handlers call back
     * @param functionLog the functions' log lines (their LambdaLogger)
     * @param serverLog   the endpoints' access lines and refusals
     */
    public static LocalApproval start(LocalStackConfig config, String sfnEndpoint, LogSink functionLog,
            Consumer<String> serverLog, Consumer<String> progress) throws Exception {
        LocalApproval approval = new LocalApproval();
        try {
            approval.startAll(config, sfnEndpoint, functionLog, serverLog, progress);
            return approval;
        } catch (Exception | Error e) {
            approval.close();
            throw e;
        }
    }

    private void startAll(LocalStackConfig config, String sfnEndpoint, LogSink functionLog,
            Consumer<String> serverLog, Consumer<String> progress) throws Exception {
        Clock clock = Clock.systemUTC();
        progress.accept("starting DynamoDB Local (in memory) with the table " + config.approvalsTableName());
        dynamoDb = own(DynamoDbLocal.start(config.host(), config.region()));
        dynamoDb.createApprovalsTable(config.approvalsTableName());
        topicArn = "arn:aws:sns:" + config.region() + ":" + config.accountId() + ":" + config.approvalTopicName();
        sns = own(LocalSns.start(config.host(), 0, Set.of(topicArn), outbox, clock,
                line -> serverLog.accept("[sns] " + line)));
        http = own(ApprovalHttpServer.start(config.host(), config.approvalPort(), outbox, topicArn,
                config.accountId(), clock, line -> serverLog.accept("[approval-endpoint] " + line)));
        progress.accept("started the approval endpoint on " + http.endpoint());

        Map<String, String> common = new LinkedHashMap<>();
        common.put("APPROVALS_TABLE", config.approvalsTableName());
        common.put("AWS_LAMBDA_LOG_LEVEL", config.lambdaLogLevel());
        common.put("AWS_REGION", config.region());
        common.put("AWS_DEFAULT_REGION", config.region());
        common.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
        common.put("AWS_ENDPOINT_URL_SNS", sns.endpoint());
        common.put("AWS_ENDPOINT_URL_SFN", sfnEndpoint);

        Map<String, String> requestEnvironment = new LinkedHashMap<>(common);
        requestEnvironment.put("APPROVAL_TOPIC_ARN", topicArn);
        JsonArray approvers = new JsonArray();
        config.approverEmails().forEach(approvers::add);
        requestEnvironment.put("APPROVER_EMAILS", Json.write(approvers));
        requestEnvironment.put("APPROVAL_BASE_URL", http.endpoint());
        requestEnvironment.put("APPROVAL_TIMEOUT_SECONDS", Integer.toString(config.approvalTimeoutSeconds()));
        JarFunction request = own(function(config, config.approvalRequestFunctionName(),
                ApprovalRequestFunction.HANDLER_CLASS, requestEnvironment, functionLog));

        Map<String, String> pageEnvironment = new LinkedHashMap<>(common);
        pageEnvironment.put("APPROVAL_PAGE_ORIGIN", http.endpoint());
        JarFunction page = own(function(config, config.approvalPageFunctionName(),
                ApprovalPageFunction.HANDLER_CLASS, pageEnvironment, functionLog));

        progress.accept("initialising the approval functions " + config.approvalRequestFunctionName() + " and "
                + config.approvalPageFunctionName() + " from " + config.approvalJar());
        for (JarFunction function : new JarFunction[] {request, page}) {
            try {
                function.warmUp();
            } catch (JarFunction.InitFailure e) {
                throw new IllegalStateException("the approval function " + e.getMessage(), e);
            }
        }
        requestFunction = new ApprovalRequestFunction(request);
        ApprovalPageFunction pageFunction = new ApprovalPageFunction(page);
        http.route(pageFunction::handle);
    }

    private static JarFunction function(LocalStackConfig config, String name, String handlerClass,
            Map<String, String> environment, LogSink log) throws java.io.IOException {
        Map<String, String> lambda = new LinkedHashMap<>(environment);
        lambda.put("AWS_LAMBDA_FUNCTION_NAME", name);
        lambda.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        lambda.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(config.lambdaMemoryMb()));
        return new JarFunction(new FunctionSettings(config.approvalJar(), handlerClass, name, lambda,
                FUNCTION_TIMEOUT_SECONDS, config.lambdaMemoryMb(), config.region(), config.accountId()),
                MAX_ENVIRONMENTS, log);
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    /** The approval-request function, to register under the name the state machine's approval task invokes. */
    public LocalFunction requestFunction() {
        return requestFunction;
    }

    /** Every message published to the approvals topic. */
    public Outbox outbox() {
        return outbox;
    }

    /** The outbox page: every approval e-mail with its links. */
    public String outboxUrl() {
        return http.outboxUrl();
    }

    /** The base of the approval links ({@code <endpoint>/approvals/<link>}); also the page's origin. */
    public String approvalEndpoint() {
        return http.endpoint();
    }

    public String dynamoDbEndpoint() {
        return dynamoDb.endpoint().toString();
    }

    public String snsEndpoint() {
        return sns.endpoint();
    }

    public String topicArn() {
        return topicArn;
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("[local-approval] could not stop " + resource.getClass().getSimpleName() + ": " + e);
            }
        }
    }
}
