package io.sfncallback.local.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the local stack needs to start: where it listens, the names Terraform would give the resources, and
 * every timing (the Terraform variables, each overridable so tests can use seconds instead of minutes).
 */
public record LocalStackConfig(
        String host, int sfnPort, int sqsPort, String region, String accountId, String namePrefix,
        Path definitionTemplate, Path workerJar, String handlerClass, String processorClass, Path approvalJar,
        int maxReceiveCount, int messageRetentionSeconds, int dlqMessageRetentionSeconds, int lambdaTimeoutSeconds, int lambdaMemoryMb, String lambdaLogLevel,
        int batchSize, int batchingWindowSeconds, int maxConcurrency, int maxConcurrentRecords,
        int taskHeartbeatSeconds, int taskTimeoutSeconds, int heartbeatIntervalSeconds, int retryDelaySeconds,
        Integer visibilityTimeoutOverride, int pollWaitSeconds, Map<String, String> extraWorkerEnvironment,
        boolean approvalEnabled, Path approvalStatesTemplate, int approvalPort, int approvalTimeoutSeconds,
        List<String> approverEmails) {

    public static final String LOCALHOST = "127.0.0.1";
    public static final int DEFAULT_SFN_PORT = 8083;
    public static final int DEFAULT_SQS_PORT = 9324;
    public static final String DEFAULT_REGION = "us-east-1";
    /** The account id AWS documentation uses in examples; nothing here is a real account. */
    public static final String LOCAL_ACCOUNT_ID = "123456789012";
    public static final String HANDLER_CLASS = "io.sfncallback.worker.CallbackHandler";
    /** Terraform's processor_class default: the demo processor in the project's worker jar. */
    public static final String DEMO_PROCESSOR = "io.sfncallback.worker.processor.DemoProcessor";
    /** The worker's deployment package, as the reactor builds it (relative to the checkout). */
    public static final String WORKER_JAR = "lambda/worker/target/callback-worker.jar";
    /** The approval functions' deployment package, as the reactor builds it (relative to the checkout). */
    public static final String APPROVAL_JAR = "lambda/approval/target/callback-approval.jar";
    /** The approval states Terraform adds to the definition with approval_enabled (relative to the checkout). */
    public static final String APPROVAL_STATES = "modules/approval/states.asl.json";
    /** How to build the jars, for the messages that say one is missing. */
    public static final String BUILD_COMMAND = "./mvnw -q package -DskipTests";
    /** The approval page and outbox port (APPROVAL_PAGE_ORIGIN's example in docs/approval.md). */
    public static final int DEFAULT_APPROVAL_PORT = 8085;
    /**
     * The local stack's approvers when none are given: one example address, so that the approval demo works out of
     * the box. Terraform's default is none ({@code approver_emails = []}): there a run asking for approval fails at
     * once with Approval.NoApprovers ({@code --approver-emails ''} shows that locally).
     */
    public static final List<String> DEFAULT_LOCAL_APPROVERS = List.of("approver@example.com");
    /** Step Functions' longest execution, one year, bounds the approval task's TimeoutSeconds (docs/approval.md). */
    public static final int MAX_APPROVAL_TIMEOUT_SECONDS = 31_536_000;

    public LocalStackConfig {
        extraWorkerEnvironment = Map.copyOf(extraWorkerEnvironment);
        approverEmails = List.copyOf(approverEmails);
    }

    /** AWS recommends at least 6 × the function timeout, plus the batching window (as main.tf does). */
    public int visibilityTimeoutSeconds() {
        return visibilityTimeoutOverride != null ? visibilityTimeoutOverride
                : 6 * lambdaTimeoutSeconds + batchingWindowSeconds;
    }

    public String stateMachineName() {
        return namePrefix + "-callback";
    }

    public String tasksQueueName() {
        return namePrefix + "-tasks";
    }

    public String deadLetterQueueName() {
        return namePrefix + "-dead-letters";
    }

    public String functionName() {
        return namePrefix + "-worker";
    }

    /** The Lambda function the state machine's approval task invokes. */
    public String approvalRequestFunctionName() {
        return namePrefix + "-approval-request";
    }

    /** The Lambda function behind the approval page (the HTTP API's integration). */
    public String approvalPageFunctionName() {
        return namePrefix + "-approval-page";
    }

    public String approvalsTableName() {
        return namePrefix + "-approvals";
    }

    public String approvalTopicName() {
        return namePrefix + "-approvals";
    }

    /** A builder starting from the Terraform defaults, for a checkout rooted at {@code repoRoot}. */
    public static Builder builder(TerraformDefaults defaults, Path repoRoot) {
        return new Builder(defaults, repoRoot);
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.host = host;
        builder.sfnPort = sfnPort;
        builder.sqsPort = sqsPort;
        builder.region = region;
        builder.accountId = accountId;
        builder.namePrefix = namePrefix;
        builder.definitionTemplate = definitionTemplate;
        builder.workerJar = workerJar;
        builder.handlerClass = handlerClass;
        builder.processorClass = processorClass;
        builder.approvalJar = approvalJar;
        builder.maxReceiveCount = maxReceiveCount;
        builder.messageRetentionSeconds = messageRetentionSeconds;
        builder.dlqMessageRetentionSeconds = dlqMessageRetentionSeconds;
        builder.lambdaTimeoutSeconds = lambdaTimeoutSeconds;
        builder.lambdaMemoryMb = lambdaMemoryMb;
        builder.lambdaLogLevel = lambdaLogLevel;
        builder.batchSize = batchSize;
        builder.batchingWindowSeconds = batchingWindowSeconds;
        builder.maxConcurrency = maxConcurrency;
        builder.maxConcurrentRecords = maxConcurrentRecords;
        builder.taskHeartbeatSeconds = taskHeartbeatSeconds;
        builder.taskTimeoutSeconds = taskTimeoutSeconds;
        builder.heartbeatIntervalSeconds = heartbeatIntervalSeconds;
        builder.retryDelaySeconds = retryDelaySeconds;
        builder.visibilityTimeoutOverride = visibilityTimeoutOverride;
        builder.pollWaitSeconds = pollWaitSeconds;
        builder.extraWorkerEnvironment.putAll(extraWorkerEnvironment);
        builder.approvalEnabled = approvalEnabled;
        builder.approvalStatesTemplate = approvalStatesTemplate;
        builder.approvalPort = approvalPort;
        builder.approvalTimeoutSeconds = approvalTimeoutSeconds;
        builder.approverEmails = approverEmails;
        return builder;
    }

    /** Mutable settings; {@link #build()} checks them. */
    public static final class Builder {
        public String host = LOCALHOST;
        public int sfnPort = DEFAULT_SFN_PORT;
        public int sqsPort = DEFAULT_SQS_PORT;
        public String region = DEFAULT_REGION;
        public String accountId = LOCAL_ACCOUNT_ID;
        public String namePrefix;
        public Path definitionTemplate;
        public Path workerJar;
        public String handlerClass = HANDLER_CLASS;
        public String processorClass = DEMO_PROCESSOR;
        public Path approvalJar;
        public int maxReceiveCount;
        public int messageRetentionSeconds;
        public int dlqMessageRetentionSeconds;
        public int lambdaTimeoutSeconds;
        public int lambdaMemoryMb;
        public String lambdaLogLevel;
        public int batchSize;
        public int batchingWindowSeconds;
        public int maxConcurrency;
        public int maxConcurrentRecords;
        public int taskHeartbeatSeconds;
        public int taskTimeoutSeconds;
        public int heartbeatIntervalSeconds;
        public int retryDelaySeconds;
        public Integer visibilityTimeoutOverride;
        public int pollWaitSeconds = 2;
        public final Map<String, String> extraWorkerEnvironment = new LinkedHashMap<>();
        public boolean approvalEnabled;
        public Path approvalStatesTemplate;
        public int approvalPort = DEFAULT_APPROVAL_PORT;
        public int approvalTimeoutSeconds;
        public List<String> approverEmails = DEFAULT_LOCAL_APPROVERS;

        private Builder() {
        }

        private Builder(TerraformDefaults defaults, Path repoRoot) {
            namePrefix = defaults.namePrefix();
            definitionTemplate = repoRoot.resolve("statemachine.asl.json");
            approvalStatesTemplate = repoRoot.resolve(APPROVAL_STATES);
            approvalEnabled = defaults.approvalEnabled();
            workerJar = repoRoot.resolve(WORKER_JAR);
            approvalJar = repoRoot.resolve(APPROVAL_JAR);
            maxReceiveCount = defaults.maxReceiveCount();
            messageRetentionSeconds = defaults.messageRetentionSeconds();
            dlqMessageRetentionSeconds = defaults.dlqMessageRetentionSeconds();
            lambdaTimeoutSeconds = defaults.lambdaTimeoutSeconds();
            lambdaMemoryMb = defaults.lambdaMemoryMb();
            lambdaLogLevel = defaults.lambdaApplicationLogLevel();
            batchSize = defaults.batchSize();
            batchingWindowSeconds = defaults.batchingWindowSeconds();
            maxConcurrency = defaults.maxConcurrency();
            maxConcurrentRecords = defaults.maxConcurrentRecords();
            taskHeartbeatSeconds = defaults.taskHeartbeatSeconds();
            taskTimeoutSeconds = defaults.taskTimeoutSeconds();
            heartbeatIntervalSeconds = defaults.heartbeatIntervalSeconds();
            retryDelaySeconds = defaults.retryDelaySeconds();
            approvalTimeoutSeconds = defaults.approvalTimeoutSeconds();
        }

        public LocalStackConfig build() {
            require(sfnPort >= 0 && sfnPort <= 65535, "the Step Functions port must be 0..65535");
            require(sqsPort >= 0 && sqsPort <= 65535, "the SQS port must be 0..65535");
            require(maxReceiveCount >= 1 && maxReceiveCount <= 1000, "max_receive_count must be 1..1000");
            require(messageRetentionSeconds >= 60 && messageRetentionSeconds <= 1_209_600
                    && dlqMessageRetentionSeconds >= messageRetentionSeconds && dlqMessageRetentionSeconds <= 1_209_600,
                    "message retention must be 60..1209600 seconds, the DLQ's at least the tasks queue's");
            require(lambdaTimeoutSeconds >= 1 && lambdaTimeoutSeconds <= 900, "lambda_timeout_seconds must be 1..900");
            require(batchSize >= 1 && batchSize <= 10_000, "batch_size must be 1..10000");
            require(batchSize <= 10 || batchingWindowSeconds >= 1,
                    "batch_size above 10 needs batching_window_seconds >= 1");
            require(batchingWindowSeconds >= 0 && batchingWindowSeconds <= 300, "batching_window_seconds must be 0..300");
            require(maxConcurrency >= 2 && maxConcurrency <= 1000, "max_concurrency must be 2..1000 (as Lambda allows)");
            require(maxConcurrentRecords >= 1, "max_concurrent_records must be at least 1");
            require(taskTimeoutSeconds >= 1, "task_timeout_seconds must be at least 1");
            require(taskHeartbeatSeconds >= 1 && taskHeartbeatSeconds < taskTimeoutSeconds,
                    "task_heartbeat_seconds must be at least 1 and below task_timeout_seconds");
            require(heartbeatIntervalSeconds >= 1, "heartbeat_interval_seconds must be at least 1");
            require(retryDelaySeconds >= 0 && retryDelaySeconds <= 43_200, "retry_delay_seconds must be 0..43200");
            require(visibilityTimeoutOverride == null
                    || (visibilityTimeoutOverride >= 0 && visibilityTimeoutOverride <= 43_200),
                    "the visibility timeout must be 0..43200 seconds");
            require(pollWaitSeconds >= 1 && pollWaitSeconds <= 20, "the poll wait must be 1..20 seconds");
            require(approvalPort >= 0 && approvalPort <= 65535, "the approval page port must be 0..65535");
            require(approvalTimeoutSeconds >= 1 && approvalTimeoutSeconds <= MAX_APPROVAL_TIMEOUT_SECONDS,
                    "approval_timeout_seconds must be 1.." + MAX_APPROVAL_TIMEOUT_SECONDS);
            require(approverEmails != null, "approver_emails must be a list (possibly empty)");
            return new LocalStackConfig(host, sfnPort, sqsPort, region, accountId, namePrefix, definitionTemplate,
                    workerJar, handlerClass, processorClass, approvalJar, maxReceiveCount, messageRetentionSeconds, dlqMessageRetentionSeconds,
                    lambdaTimeoutSeconds, lambdaMemoryMb, lambdaLogLevel,
                    batchSize, batchingWindowSeconds, maxConcurrency, maxConcurrentRecords, taskHeartbeatSeconds,
                    taskTimeoutSeconds, heartbeatIntervalSeconds, retryDelaySeconds, visibilityTimeoutOverride,
                    pollWaitSeconds, extraWorkerEnvironment, approvalEnabled, approvalStatesTemplate, approvalPort,
                    approvalTimeoutSeconds, approverEmails);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
