package io.sfncallback.local.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The command line of the local stack: every setting of {@link LocalStackConfig} plus what the run does. */
public record CommandLine(LocalStackConfig config, Path readyFile, boolean once, boolean demo, String demoInput,
        boolean help) {

    public static final String DEFAULT_DEMO_INPUT = "{\"mode\":\"succeed\",\"message\":\"hello from local-run\"}";

    public static final String USAGE = """
            Usage: local-run.sh [options]
              Starts SQS (ElasticMQ), a Step Functions endpoint with the project's state machine and the worker's
              event source mapping in one JVM on 127.0.0.1, runs one demo execution and stays up until Ctrl-C.

            What to run:
              --once                        run the demo execution, then exit with its status (0 = SUCCEEDED)
              --no-demo                     start without the demo execution
              --demo-input JSON             input of the demo execution (default %s)
              --ready-file PATH             write {sfnEndpoint, sqsEndpoint, stateMachineArn, queueUrl, dlqUrl, region,
                                            outboxUrl, approvalEndpoint, ...} to PATH once the stack is ready
            Where it listens (0 = a free port):
              --sfn-port N                  Step Functions endpoint port (default %d)
              --sqs-port N                  SQS endpoint port (default %d)
              --approval-port N             approval pages and the outbox of sent e-mails (default %d)
              --region NAME                 region in ARNs and for the SDKs (default %s)
            What it runs:
              --name-prefix NAME            Terraform's name_prefix (default from terraform-defaults.json)
              --definition PATH             state machine template (default statemachine.asl.json)
              --worker-jar PATH             the worker's shaded jar (default %s)
              --handler-class NAME          the handler class (default %s)
              --processor-class NAME        the worker's TaskProcessor (processor_class; default %s)
              --approval-jar PATH           the approval functions' shaded jar (default %s)
              --worker-env KEY=VALUE        extra environment variable for the worker (repeatable)
            Timings and sizes (Terraform variable names; defaults from terraform-defaults.json):
              --max-receive-count N         --lambda-timeout-seconds N    --lambda-memory-mb N
              --batch-size N                --batching-window-seconds N   --max-concurrency N
              --max-concurrent-records N    --task-heartbeat-seconds N    --task-timeout-seconds N
              --heartbeat-interval-seconds N --retry-delay-seconds N
              --message-retention-seconds N --dlq-message-retention-seconds N
              --approval-enabled true|false the human-approval states, functions and pages (approval_enabled;
                                            default false, as Terraform's)
              --approval-timeout-seconds N  how long an approval waits for a decision (approval_timeout_seconds)
              --approver-emails A,B         approvers, comma-separated (default %s; Terraform's default is none,
                                            and '' shows it: a run asking for approval fails with Approval.NoApprovers)
              --lambda-application-log-level LEVEL   (AWS_LAMBDA_LOG_LEVEL of the worker; default INFO)
              --visibility-timeout-seconds N  tasks queue visibility timeout (default 6 x lambda timeout + window)
              --poll-wait-seconds N         long-poll wait of the event source mapping (default 2)
              -h, --help                    this help
            """.formatted(DEFAULT_DEMO_INPUT, LocalStackConfig.DEFAULT_SFN_PORT, LocalStackConfig.DEFAULT_SQS_PORT,
            LocalStackConfig.DEFAULT_APPROVAL_PORT, LocalStackConfig.DEFAULT_REGION, LocalStackConfig.WORKER_JAR,
            LocalStackConfig.HANDLER_CLASS, LocalStackConfig.DEMO_PROCESSOR, LocalStackConfig.APPROVAL_JAR,
            String.join(",", LocalStackConfig.DEFAULT_LOCAL_APPROVERS));

    public static CommandLine parse(List<String> args, TerraformDefaults defaults, Path repoRoot) {
        LocalStackConfig.Builder config = LocalStackConfig.builder(defaults, repoRoot);
        Path readyFile = null;
        boolean once = false;
        boolean demo = true;
        boolean help = false;
        String demoInput = DEFAULT_DEMO_INPUT;
        boolean intervalGiven = args.contains("--heartbeat-interval-seconds");
        boolean retryDelayGiven = args.contains("--retry-delay-seconds");
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            switch (flag) {
                case "-h", "--help" -> help = true;
                case "--once" -> once = true;
                case "--no-demo" -> demo = false;
                default -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("unknown option or missing value: " + flag);
                    }
                    String value = args.get(++i);
                    switch (flag) {
                        case "--demo-input" -> demoInput = value;
                        case "--ready-file" -> readyFile = Path.of(value);
                        case "--sfn-port" -> config.sfnPort = integer(flag, value);
                        case "--sqs-port" -> config.sqsPort = integer(flag, value);
                        case "--approval-port" -> config.approvalPort = integer(flag, value);
                        case "--approval-timeout-seconds" -> config.approvalTimeoutSeconds = integer(flag, value);
                        case "--approval-enabled" -> config.approvalEnabled = bool(flag, value);
                        case "--approver-emails" -> config.approverEmails = addresses(value);
                        case "--region" -> config.region = value;
                        case "--name-prefix" -> config.namePrefix = value;
                        case "--definition" -> config.definitionTemplate = Path.of(value);
                        case "--worker-jar" -> config.workerJar = Path.of(value);
                        case "--handler-class" -> config.handlerClass = value;
                        case "--approval-jar" -> config.approvalJar = Path.of(value);
                        case "--processor-class" -> config.processorClass = value;
                        case "--worker-env" -> {
                            int equals = value.indexOf('=');
                            if (equals < 1) {
                                throw new IllegalArgumentException("--worker-env needs KEY=VALUE, not " + value);
                            }
                            config.extraWorkerEnvironment.put(value.substring(0, equals), value.substring(equals + 1));
                        }
                        case "--max-receive-count" -> config.maxReceiveCount = integer(flag, value);
                        case "--message-retention-seconds" -> config.messageRetentionSeconds = integer(flag, value);
                        case "--dlq-message-retention-seconds" ->
                                config.dlqMessageRetentionSeconds = integer(flag, value);
                        case "--lambda-application-log-level" -> config.lambdaLogLevel = value;
                        case "--lambda-timeout-seconds" -> config.lambdaTimeoutSeconds = integer(flag, value);
                        case "--lambda-memory-mb" -> config.lambdaMemoryMb = integer(flag, value);
                        case "--batch-size" -> config.batchSize = integer(flag, value);
                        case "--batching-window-seconds" -> config.batchingWindowSeconds = integer(flag, value);
                        case "--max-concurrency" -> config.maxConcurrency = integer(flag, value);
                        case "--max-concurrent-records" -> config.maxConcurrentRecords = integer(flag, value);
                        case "--task-heartbeat-seconds" -> config.taskHeartbeatSeconds = integer(flag, value);
                        case "--task-timeout-seconds" -> config.taskTimeoutSeconds = integer(flag, value);
                        case "--heartbeat-interval-seconds" -> config.heartbeatIntervalSeconds = integer(flag, value);
                        case "--retry-delay-seconds" -> config.retryDelaySeconds = integer(flag, value);
                        case "--visibility-timeout-seconds" -> config.visibilityTimeoutOverride = integer(flag, value);
                        case "--poll-wait-seconds" -> config.pollWaitSeconds = integer(flag, value);
                        default -> throw new IllegalArgumentException("unknown option: " + flag);
                    }
                }
            }
        }
        if (help) {
            return new CommandLine(config.build(), readyFile, once, demo, demoInput, true);
        }
        followHeartbeat(config, intervalGiven, retryDelayGiven);
        List<String> broken = SettingRules.violations(settings(config));
        if (!broken.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", broken));
        }
        return new CommandLine(config.build(), readyFile, once, demo, demoInput, false);
    }

    /**
     * The settings that depend on task_heartbeat_seconds follow it unless given: the heartbeat interval is at most
     * a third of it, and a retry delay (plus the batching window) stays below it, so that a short heartbeat alone
     * (--task-heartbeat-seconds 3) gives a stack that works.
     */
    static void followHeartbeat(LocalStackConfig.Builder config, boolean intervalGiven, boolean retryDelayGiven) {
        if (!intervalGiven) {
            config.heartbeatIntervalSeconds = Math.min(config.heartbeatIntervalSeconds,
                    Math.max(1, config.taskHeartbeatSeconds / 3));
        }
        if (!retryDelayGiven) {
            config.retryDelaySeconds = Math.min(config.retryDelaySeconds,
                    Math.max(0, config.taskHeartbeatSeconds - 1 - config.batchingWindowSeconds));
        }
    }

    /** The command line's settings by Terraform variable name, as {@link SettingRules} reads them. */
    static Map<String, Object> settings(LocalStackConfig.Builder config) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("name_prefix", config.namePrefix);
        settings.put("region", config.region);
        settings.put("max_receive_count", config.maxReceiveCount);
        settings.put("message_retention_seconds", config.messageRetentionSeconds);
        settings.put("dlq_message_retention_seconds", config.dlqMessageRetentionSeconds);
        settings.put("lambda_memory_mb", config.lambdaMemoryMb);
        settings.put("lambda_timeout_seconds", config.lambdaTimeoutSeconds);
        settings.put("lambda_application_log_level", config.lambdaLogLevel);
        settings.put("heartbeat_interval_seconds", config.heartbeatIntervalSeconds);
        settings.put("retry_delay_seconds", config.retryDelaySeconds);
        settings.put("processor_class", config.processorClass);
        settings.put("max_concurrent_records", config.maxConcurrentRecords);
        settings.put("batch_size", config.batchSize);
        settings.put("batching_window_seconds", config.batchingWindowSeconds);
        settings.put("max_concurrency", config.maxConcurrency);
        settings.put("task_heartbeat_seconds", config.taskHeartbeatSeconds);
        settings.put("task_timeout_seconds", config.taskTimeoutSeconds);
        settings.put("approval_enabled", config.approvalEnabled);
        settings.put("approver_emails", config.approverEmails);
        settings.put("approval_timeout_seconds", config.approvalTimeoutSeconds);
        return settings;
    }

    /** Comma-separated addresses; an empty value means none. The approval handler checks each address. */
    static List<String> addresses(String value) {
        if (value.isBlank()) {
            return List.of();
        }
        List<String> addresses = new java.util.ArrayList<>();
        for (String address : value.split(",", -1)) {
            if (address.isBlank()) {
                throw new IllegalArgumentException("--approver-emails has an empty address in '" + value
                        + "' (give addresses separated by commas, or '' for none)");
            }
            addresses.add(address.trim());
        }
        return addresses;
    }

    private static boolean bool(String flag, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(flag + " needs true or false, not '" + value + "'");
        };
    }

    private static int integer(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a whole number, not '" + value + "'");
        }
    }
}
