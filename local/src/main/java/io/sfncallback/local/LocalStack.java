package io.sfncallback.local;

import io.sfncallback.local.api.ApiException;
import io.sfncallback.local.api.Arns;
import io.sfncallback.local.api.SfnApi;
import io.sfncallback.local.api.SfnHttpServer;
import io.sfncallback.local.api.StateMachines;
import io.sfncallback.local.approval.LocalApproval;
import io.sfncallback.local.asl.DefinitionAssembler;
import io.sfncallback.local.asl.DefinitionParser;
import io.sfncallback.local.asl.InvalidDefinitionException;
import io.sfncallback.local.config.LocalStackConfig;
import io.sfncallback.local.engine.ExecutionEngine;
import io.sfncallback.local.engine.SqsMessageSender;
import io.sfncallback.local.engine.StateMachine;
import io.sfncallback.local.esm.EventSourceMapping;
import io.sfncallback.local.esm.FunctionSettings;
import io.sfncallback.local.esm.LogSink;
import io.sfncallback.local.esm.WorkerFunction;
import io.sfncallback.local.functions.LocalFunction;
import io.sfncallback.local.functions.LocalFunctions;
import io.sfncallback.local.sqs.EmbeddedSqs;
import io.sfncallback.local.sqs.Queues;
import io.sfncallback.testkit.CallbackLedger;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The whole callback loop in one process: ElasticMQ with the tasks queue and its DLQ, the Step Functions endpoint
 * with the project's state machine, the event source mapping that runs the worker jar, and the human-approval loop
 * ({@link LocalApproval}: DynamoDB Local, an SNS outbox, the approval functions and page). Closing it stops
 * everything in reverse order.
 */
public final class LocalStack implements AutoCloseable {

    /** The credentials the SDKs use locally; nothing checks them. */
    public static final String LOCAL_CREDENTIAL = "local";

    private final LocalStackConfig config;
    private final LocalFunctions functions;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private EmbeddedSqs sqsServer;
    private SqsClient sqs;
    private Queues queues;
    private SfnHttpServer sfnServer;
    private StateMachines stateMachines;
    private final CallbackLedger ledger = new CallbackLedger();
    private EventSourceMapping mapping;
    private LocalApproval approval;
    private String stateMachineArn;

    private LocalStack(LocalStackConfig config, LocalFunctions functions) {
        this.config = config;
        this.functions = functions;
    }

    /**
     * Starts the stack. {@code progress} hears what is being started; {@code workerLog} gets the worker's log
     * lines. On failure everything already started is stopped again.
     */
    public static LocalStack start(LocalStackConfig config, LogSink workerLog, Consumer<String> progress)
            throws Exception {
        return start(config, new LocalFunctions(config.region(), config.accountId()), workerLog, progress);
    }

    /**
     * Starts the stack with the Lambda functions that {@code lambda:invoke.waitForTaskToken} tasks may call
     * (more can be registered later with {@link #register}).
     */
    public static LocalStack start(LocalStackConfig config, LocalFunctions functions, LogSink workerLog,
            Consumer<String> progress) throws Exception {
        LocalStack stack = new LocalStack(config, functions);
        try {
            stack.startAll(workerLog, progress);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(LogSink workerLog, Consumer<String> progress) throws Exception {
        useLocalCredentials();
        sqsServer = own(EmbeddedSqs.start(config.host(), config.sqsPort(), config.region(), config.accountId()));
        progress.accept("started SQS (ElasticMQ) on " + sqsServer.endpoint());
        sqs = own(sqsClient(sqsServer.endpoint(), config.region()));
        queues = Queues.create(sqs, config.tasksQueueName(), config.deadLetterQueueName(),
                config.visibilityTimeoutSeconds(), config.maxReceiveCount(), config.messageRetentionSeconds(),
                config.dlqMessageRetentionSeconds());
        progress.accept("created " + queues.tasksQueueUrl() + " (visibility timeout " + config.visibilityTimeoutSeconds()
                + " s, redrive to " + config.deadLetterQueueName() + " after " + config.maxReceiveCount() + " receives)");

        Arns arns = new Arns("aws", config.region(), config.accountId());
        Clock clock = Clock.systemUTC();
        ExecutionEngine engine = own(new ExecutionEngine(clock, new SqsMessageSender(sqs), functions,
                config.region()));
        stateMachines = new StateMachines(arns, clock, new DefinitionParser());
        sfnServer = own(SfnHttpServer.start(config.host(), config.sfnPort(),
                new SfnApi(arns, stateMachines, engine, ledger)));
        progress.accept("started Step Functions on " + sfnServer.endpoint());

        if (config.approvalEnabled()) {
            approval = own(LocalApproval.start(config, sfnServer.endpoint(), workerLog,
                    line -> workerLog.line("INFO", line), progress));
            functions.register(config.approvalRequestFunctionName(), approval.requestFunction());
            progress.accept("approval e-mails go to the outbox " + approval.outboxUrl() + " (approvers: "
                    + (config.approverEmails().isEmpty() ? "none, so a run asking for approval fails with Approval.NoApprovers"
                    : String.join(", ", config.approverEmails())) + ")");
        } else {
            progress.accept("approval is off (approval_enabled = false, Terraform's default): no approval states, "
                    + "functions or pages; --approval-enabled true turns it on");
        }

        StateMachine machine = createProjectStateMachine();
        stateMachineArn = machine.arn();
        progress.accept("created state machine " + stateMachineArn);

        progress.accept("loading the worker " + config.workerJar());
        FunctionSettings function = new FunctionSettings(config.workerJar(), config.handlerClass(),
                config.functionName(), workerEnvironment(), config.lambdaTimeoutSeconds(), config.lambdaMemoryMb(),
                config.region(), config.accountId());
        WorkerFunction worker = own(new WorkerFunction(function, queues.tasksQueueArn(), workerLog));
        mapping = own(new EventSourceMapping(sqs, worker, new EventSourceMapping.Settings(queues.tasksQueueUrl(),
                config.batchSize(), config.batchingWindowSeconds(), config.maxConcurrency(),
                config.lambdaTimeoutSeconds(), config.pollWaitSeconds()), workerLog));
        try {
            mapping.start();
        } catch (WorkerFunction.InvocationFailure e) {
            throw new IllegalStateException("the worker could not start: its init phase (the handler's constructor) "
                    + "failed with " + e.getMessage(), e);
        }
        progress.accept("event source mapping polling " + config.tasksQueueName() + " (batch size "
                + config.batchSize() + ", maximum concurrency " + config.maxConcurrency() + ")");
    }

    private StateMachine createProjectStateMachine() throws IOException, InvalidDefinitionException, ApiException {
        String template = Files.readString(config.definitionTemplate());
        Optional<String> approvalStates = config.approvalEnabled()
                ? Optional.of(Files.readString(config.approvalStatesTemplate())) : Optional.empty();
        Map<String, String> variables = Map.of(
                "partition", "aws",
                "queue_url", queues.tasksQueueUrl(),
                "heartbeat_seconds", Integer.toString(config.taskHeartbeatSeconds()),
                "timeout_seconds", Integer.toString(config.taskTimeoutSeconds()),
                "approval_function_arn", approvalFunctionArn(),
                "approval_timeout_seconds", Integer.toString(config.approvalTimeoutSeconds()));
        String definition = new DefinitionAssembler().assemble(template, approvalStates, variables);
        String roleArn = "arn:aws:iam::" + config.accountId() + ":role/" + config.namePrefix() + "-states-"
                + config.region();
        return stateMachines.create(config.stateMachineName(), definition, roleArn);
    }

    /** The approval-request function's ARN, as the rendered definition names it. */
    public String approvalFunctionArn() {
        return "arn:aws:lambda:" + config.region() + ":" + config.accountId() + ":function:"
                + config.approvalRequestFunctionName();
    }

    /** The environment Terraform gives the function, plus what Lambda sets and the local endpoints. */
    private Map<String, String> workerEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("HEARTBEAT_INTERVAL_SECONDS", Integer.toString(config.heartbeatIntervalSeconds()));
        environment.put("MAX_RECEIVE_COUNT", Integer.toString(config.maxReceiveCount()));
        environment.put("RETRY_DELAY_SECONDS", Integer.toString(config.retryDelaySeconds()));
        environment.put("TASKS_QUEUE_URL", queues.tasksQueueUrl());
        environment.put("MAX_CONCURRENT_RECORDS", Integer.toString(config.maxConcurrentRecords()));
        environment.put("PROCESSOR_CLASS", config.processorClass());
        environment.put("APPROVAL_ENABLED", Boolean.toString(config.approvalEnabled()));
        environment.put("AWS_LAMBDA_LOG_LEVEL", config.lambdaLogLevel());
        environment.put("AWS_LAMBDA_FUNCTION_NAME", config.functionName());
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(config.lambdaMemoryMb()));
        environment.put("AWS_REGION", config.region());
        environment.put("AWS_DEFAULT_REGION", config.region());
        environment.put("AWS_ENDPOINT_URL_SFN", sfnServer.endpoint());
        environment.put("AWS_ENDPOINT_URL_SQS", sqsServer.endpoint());
        environment.putAll(config.extraWorkerEnvironment());
        return environment;
    }

    /** The worker's SDK uses the default credential chain: system properties make it work with no AWS account. */
    private static void useLocalCredentials() {
        if (System.getProperty("aws.accessKeyId") == null) {
            System.setProperty("aws.accessKeyId", LOCAL_CREDENTIAL);
        }
        if (System.getProperty("aws.secretAccessKey") == null) {
            System.setProperty("aws.secretAccessKey", LOCAL_CREDENTIAL);
        }
    }

    /** An SQS client for a local endpoint. */
    public static SqsClient sqsClient(String endpoint, String region) {
        return SqsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCAL_CREDENTIAL, LOCAL_CREDENTIAL)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    public LocalStackConfig config() {
        return config;
    }

    public String sfnEndpoint() {
        return sfnServer.endpoint();
    }

    public String sqsEndpoint() {
        return sqsServer.endpoint();
    }

    public String stateMachineArn() {
        return stateMachineArn;
    }

    public Queues queues() {
        return queues;
    }

    public CallbackLedger callbacks() {
        return ledger;
    }

    public EventSourceMapping mapping() {
        return mapping;
    }

    /** The approval loop (its outbox, endpoint, store and topic), when approval is on. */
    public Optional<LocalApproval> approvalLoop() {
        return Optional.ofNullable(approval);
    }

    /** The approval loop: its outbox, endpoint, store and topic; only with approval on. */
    public LocalApproval approval() {
        if (approval == null) {
            throw new IllegalStateException("approval is off in this stack (--approval-enabled true turns it on)");
        }
        return approval;
    }

    /** The outbox page: every approval e-mail the stack "sent", with its links. */
    public String outboxUrl() {
        return approval().outboxUrl();
    }

    /** The base of the approval links and the page's origin. */
    public String approvalEndpoint() {
        return approval().approvalEndpoint();
    }

    /** Registers a function that lambda:invoke.waitForTaskToken tasks can call by name or ARN. */
    public LocalStack register(String functionName, LocalFunction function) {
        functions.register(functionName, function);
        return this;
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("[local-stack] could not stop " + resource.getClass().getSimpleName() + ": " + e);
            }
        }
    }
}
