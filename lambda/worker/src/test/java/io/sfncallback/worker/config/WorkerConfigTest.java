package io.sfncallback.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.core.config.ConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerConfigTest {

    @Test
    void runsWithNoVariableSet() {
        WorkerConfig config = WorkerConfig.fromEnvironment(Map.of());

        assertEquals(Duration.ofSeconds(15), config.heartbeatInterval());
        assertEquals(5, config.maxReceiveCount());
        assertEquals(Duration.ofSeconds(10), config.retryDelay());
        assertNull(config.tasksQueueUrl());
        assertEquals(false, config.retryDelayEnabled());
        assertEquals(10, config.maxConcurrentRecords());
        assertEquals(Duration.ofMillis(5000), config.deadlineMargin());
        assertEquals(WorkerConfig.DEMO_PROCESSOR, config.processorClass());
        assertEquals(3, config.sfnMaxAttempts());
        assertEquals(Duration.ofSeconds(10), config.sfnCallTimeout());
        assertEquals(WorkerConfig.HttpClientKind.URL_CONNECTION, config.httpClient());
        assertEquals(LogLevel.INFO, config.logLevel());
        assertEquals("us-east-1", config.region());
        assertNull(config.sfnEndpoint());
        assertNull(config.sqsEndpoint());
        assertFalse(config.approvalEnabled(), "approval is off unless Terraform's approval_enabled turns it on");
    }

    @Test
    void readsEverySetting() {
        WorkerConfig config = WorkerConfig.fromEnvironment(Map.ofEntries(
                Map.entry("HEARTBEAT_INTERVAL_SECONDS", "20"),
                Map.entry("MAX_RECEIVE_COUNT", " 7 "),
                Map.entry("RETRY_DELAY_SECONDS", "0"),
                Map.entry("TASKS_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/tasks"),
                Map.entry("MAX_CONCURRENT_RECORDS", "3"),
                Map.entry("DEADLINE_MARGIN_MS", "2500"),
                Map.entry("PROCESSOR_CLASS", "com.example.MyProcessor"),
                Map.entry("SFN_MAX_ATTEMPTS", "1"),
                Map.entry("SFN_CALL_TIMEOUT_MS", "1500"),
                Map.entry("SFN_HTTP_CLIENT", "SDK-DEFAULT"),
                Map.entry("AWS_LAMBDA_LOG_LEVEL", "debug"),
                Map.entry("AWS_REGION", "eu-west-1"),
                Map.entry("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
                Map.entry("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:8083"),
                Map.entry("APPROVAL_ENABLED", "true")));

        assertEquals(Duration.ofSeconds(20), config.heartbeatInterval());
        assertEquals(7, config.maxReceiveCount());
        assertEquals(Duration.ZERO, config.retryDelay());
        assertTrue(config.retryDelayEnabled());
        assertEquals(3, config.maxConcurrentRecords());
        assertEquals(Duration.ofMillis(2500), config.deadlineMargin());
        assertEquals("com.example.MyProcessor", config.processorClass());
        assertEquals(1, config.sfnMaxAttempts());
        assertEquals(Duration.ofMillis(1500), config.sfnCallTimeout());
        assertEquals(WorkerConfig.HttpClientKind.SDK_DEFAULT, config.httpClient());
        assertEquals(LogLevel.DEBUG, config.logLevel());
        assertEquals("eu-west-1", config.region());
        assertEquals(URI.create("http://127.0.0.1:8083"), config.sfnEndpoint(), "the service-specific endpoint wins");
        assertEquals(URI.create("http://127.0.0.1:4566"), config.sqsEndpoint(), "the general endpoint applies to the rest");
        assertTrue(config.approvalEnabled());
    }

    @Test
    void blankValuesMeanUnset() {
        WorkerConfig config = WorkerConfig.fromEnvironment(Map.of("MAX_RECEIVE_COUNT", "  ", "TASKS_QUEUE_URL", ""));

        assertEquals(5, config.maxReceiveCount());
        assertNull(config.tasksQueueUrl());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "HEARTBEAT_INTERVAL_SECONDS | 0       | must be between 1 and 86400",
            "HEARTBEAT_INTERVAL_SECONDS | fifteen | is not a whole number",
            "MAX_RECEIVE_COUNT          | -1      | must be between 1 and 1000",
            "MAX_RECEIVE_COUNT          | 1.5     | is not a whole number",
            "RETRY_DELAY_SECONDS        | 43201   | must be between 0 and 43200",
            "MAX_CONCURRENT_RECORDS     | 0       | must be between 1 and 1000",
            "DEADLINE_MARGIN_MS         | 99999999999 | is not a whole number",
            "SFN_MAX_ATTEMPTS           | 11      | must be between 1 and 10",
            "SFN_CALL_TIMEOUT_MS        | 99      | must be between 100 and 900000",
            "SFN_HTTP_CLIENT            | apache  | must be one of sdk-default, url-connection",
            "APPROVAL_ENABLED           | yes     | must be one of false, true",
            "AWS_LAMBDA_LOG_LEVEL       | LOUD    | must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL",
            "AWS_LAMBDA_LOG_LEVEL       | UNDEFINED | must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL",
            "AWS_REGION                 | Mars    | is not an AWS region name such as us-east-1",
            "PROCESSOR_CLASS            | my processor | is not a fully qualified Java class name",
            "TASKS_QUEUE_URL            | tasks   | is not an http(s) URL with a host",
            "AWS_ENDPOINT_URL_SFN       | ftp://host | is not an http(s) URL with a host",
            "AWS_ENDPOINT_URL           | http://bad host | is not a valid URL",
    })
    void aBadValueFailsNamingTheVariable(String variable, String value, String problem) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> WorkerConfig.fromEnvironment(Map.of(variable, value)));

        assertEquals(variable, e.variable());
        assertThat(e.getMessage()).startsWith(variable + "=").contains(problem);
    }

    @Test
    void aHugeValueIsShortenedInTheMessage() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> WorkerConfig.fromEnvironment(Map.of("PROCESSOR_CLASS", "x y".repeat(1000))));

        assertThat(e.getMessage().length()).isLessThan(200);
    }
}
