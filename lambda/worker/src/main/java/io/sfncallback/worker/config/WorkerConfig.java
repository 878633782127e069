package io.sfncallback.worker.config;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.core.config.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The worker's settings, read once from environment variables when the function initialises.
 *
 * <p>Every setting has a default, so the worker also runs with no variable set. A bad value throws
 * {@link ConfigException} naming the variable, which fails the function's init phase: a
 * misconfigured deployment fails loudly before it can take a message. The variables are listed in
 * {@code docs/reference.md}.
 *
 * @param heartbeatInterval  SendTaskHeartbeat period while a processor works
 * @param maxReceiveCount    the queue's redrive {@code maxReceiveCount}
 * @param retryDelay         visibility timeout set on records reported as batch item failures
 * @param tasksQueueUrl      the tasks queue, or {@code null} when retry delays are not set
 * @param maxConcurrentRecords how many records of a batch run at the same time
 * @param deadlineMargin     no record starts when less than this is left of the invocation
 * @param processorClass     the {@code TaskProcessor} implementation to load
 * @param sfnMaxAttempts     attempts per Step Functions call, first one included
 * @param sfnCallTimeout     time limit of one Step Functions call, retries included
 * @param httpClient         which HTTP client the AWS SDK clients use
 * @param logLevel           the lowest level that is logged
 * @param region             the AWS region of the clients
 * @param sfnEndpoint        Step Functions endpoint override, or {@code null}
 * @param sqsEndpoint        SQS endpoint override, or {@code null}
 * @param approvalEnabled    whether the state machine has the approval states (Terraform's approval_enabled)
 */
public record WorkerConfig(
        Duration heartbeatInterval,
        int maxReceiveCount,
        Duration retryDelay,
        String tasksQueueUrl,
        int maxConcurrentRecords,
        Duration deadlineMargin,
        String processorClass,
        int sfnMaxAttempts,
        Duration sfnCallTimeout,
        HttpClientKind httpClient,
        LogLevel logLevel,
        String region,
        URI sfnEndpoint,
        URI sqsEndpoint,
        boolean approvalEnabled) {

    public static final String DEMO_PROCESSOR = "io.sfncallback.worker.processor.DemoProcessor";

    /** SQS caps a message's visibility timeout at 12 hours. */
    static final int MAX_VISIBILITY_SECONDS = 43_200;

    /** How the AWS SDK clients send HTTP requests. */
    public enum HttpClientKind {
        /** The JDK's HttpURLConnection through the SDK's url-connection-client: the smallest, fastest to start. */
        URL_CONNECTION,
        /** Whatever HTTP client the SDK finds on the classpath (Apache in a default build). */
        SDK_DEFAULT
    }

    public WorkerConfig {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(retryDelay, "retryDelay");
        Objects.requireNonNull(deadlineMargin, "deadlineMargin");
        Objects.requireNonNull(processorClass, "processorClass");
        Objects.requireNonNull(sfnCallTimeout, "sfnCallTimeout");
        Objects.requireNonNull(httpClient, "httpClient");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(region, "region");
    }

    /** The settings of a worker with no environment variable set. */
    public static WorkerConfig defaults() {
        return fromEnvironment(Map.of());
    }

    /**
     * Reads and validates every setting.
     *
     * @throws ConfigException naming the first variable with a bad value
     */
    public static WorkerConfig fromEnvironment(Map<String, String> env) {
        EnvReader read = new EnvReader(env);
        return new WorkerConfig(
                Duration.ofSeconds(read.integer("HEARTBEAT_INTERVAL_SECONDS", 15, 1, 86_400)),
                read.integer("MAX_RECEIVE_COUNT", 5, 1, 1_000),
                Duration.ofSeconds(read.integer("RETRY_DELAY_SECONDS", 10, 0, MAX_VISIBILITY_SECONDS)),
                read.url("TASKS_QUEUE_URL"),
                read.integer("MAX_CONCURRENT_RECORDS", 10, 1, 1_000),
                Duration.ofMillis(read.integer("DEADLINE_MARGIN_MS", 5_000, 0, 900_000)),
                read.javaClassName("PROCESSOR_CLASS", DEMO_PROCESSOR),
                read.integer("SFN_MAX_ATTEMPTS", 3, 1, 10),
                Duration.ofMillis(read.integer("SFN_CALL_TIMEOUT_MS", 10_000, 100, 900_000)),
                read.choice("SFN_HTTP_CLIENT", HttpClientKind.URL_CONNECTION,
                        Map.of("url-connection", HttpClientKind.URL_CONNECTION,
                                "sdk-default", HttpClientKind.SDK_DEFAULT)),
                read.logLevel("AWS_LAMBDA_LOG_LEVEL", LogLevel.INFO),
                read.region("AWS_REGION", "us-east-1"),
                read.endpoint("AWS_ENDPOINT_URL_SFN", "AWS_ENDPOINT_URL"),
                read.endpoint("AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL"),
                read.choice("APPROVAL_ENABLED", false, Map.of("true", true, "false", false)));
    }

    /** True when failed records get {@link #retryDelay()} as their new visibility timeout. */
    public boolean retryDelayEnabled() {
        return tasksQueueUrl != null;
    }
}
