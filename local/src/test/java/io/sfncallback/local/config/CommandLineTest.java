package io.sfncallback.local.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    private final TerraformDefaults defaults = TerraformDefaults.load();

    @Test
    void theDefaultsAreTheTerraformVariableDefaults() {
        LocalStackConfig config = CommandLine.parse(List.of(), defaults, Path.of("/repo")).config();
        assertEquals(5, config.maxReceiveCount());
        assertEquals(6 * 120, config.visibilityTimeoutSeconds());
        assertEquals(10, config.batchSize());
        assertEquals(10, config.maxConcurrency());
        assertEquals(60, config.taskHeartbeatSeconds());
        assertEquals(3600, config.taskTimeoutSeconds());
        assertEquals(15, config.heartbeatIntervalSeconds());
        assertEquals(10, config.retryDelaySeconds());
        assertEquals("sfn-callback-callback", config.stateMachineName());
        assertEquals("sfn-callback-tasks", config.tasksQueueName());
        assertEquals("sfn-callback-dead-letters", config.deadLetterQueueName());
        assertEquals(Path.of("/repo/lambda/worker/target/callback-worker.jar"), config.workerJar());
        assertEquals(8083, config.sfnPort());
        assertEquals(9324, config.sqsPort());
        assertEquals(8085, config.approvalPort());
        assertEquals(86400, config.approvalTimeoutSeconds());
        assertEquals("sfn-callback-approval-request", config.approvalRequestFunctionName());
        assertEquals("sfn-callback-approvals", config.approvalsTableName());
        assertEquals(Path.of("/repo/lambda/approval/target/callback-approval.jar"), config.approvalJar());
        assertEquals(Path.of("/repo/modules/approval/states.asl.json"), config.approvalStatesTemplate());
        assertFalse(config.approvalEnabled(), "approval is off by default, as Terraform's approval_enabled");
    }

    @Test
    void theApprovalSwitchTakesTrueOrFalseOnly() {
        assertTrue(CommandLine.parse(List.of("--approval-enabled", "true"), defaults, Path.of("/repo")).config()
                .approvalEnabled());
        assertFalse(CommandLine.parse(List.of("--approval-enabled", "false"), defaults, Path.of("/repo")).config()
                .approvalEnabled());
        assertEquals("--approval-enabled needs true or false, not 'yes'", assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(List.of("--approval-enabled", "yes"), defaults, Path.of("/repo"))).getMessage());
    }

    /** Terraform's approver_emails defaults to none; the local stack has one example approver so the demo works. */
    @Test
    void terraformHasNoApproversByDefaultButTheLocalStackHasAnExampleOne() {
        assertEquals(List.of(), defaults.approverEmails());
        assertEquals(86400, defaults.approvalTimeoutSeconds());
        LocalStackConfig config = CommandLine.parse(List.of(), defaults, Path.of("/repo")).config();
        assertEquals(List.of("approver@example.com"), config.approverEmails());
    }

    @Test
    void theApprovalFlagsSetPortTimeoutAndApprovers() {
        LocalStackConfig config = CommandLine.parse(List.of("--approval-port", "0", "--approval-timeout-seconds", "60",
                "--approver-emails", "alice@example.com, bob@example.com"), defaults, Path.of("/repo")).config();
        assertEquals(0, config.approvalPort());
        assertEquals(60, config.approvalTimeoutSeconds());
        assertEquals(List.of("alice@example.com", "bob@example.com"), config.approverEmails());
        assertEquals(List.of(), CommandLine.parse(List.of("--approver-emails", ""), defaults, Path.of("/repo"))
                .config().approverEmails());
    }

    @Test
    void badApprovalValuesAreRefusedWithAMessageNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(List.of(
                "--approval-timeout-seconds", "0"), defaults, Path.of("."))).getMessage()
                .startsWith("approval_timeout_seconds must be a whole number from 60"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(List.of(
                "--approver-emails", "a@example.com,,b@example.com"), defaults, Path.of("."))).getMessage()
                .contains("--approver-emails"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(List.of(
                "--approval-port", "70000"), defaults, Path.of("."))).getMessage().contains("approval page port"));
    }

    @Test
    void everyTimingCanBeOverridden() {
        CommandLine line = CommandLine.parse(List.of("--sfn-port", "0", "--sqs-port", "0", "--max-receive-count", "2",
                "--lambda-timeout-seconds", "3", "--batching-window-seconds", "1", "--task-heartbeat-seconds", "3",
                "--task-timeout-seconds", "9", "--heartbeat-interval-seconds", "1", "--retry-delay-seconds", "0",
                "--max-concurrency", "4", "--batch-size", "5", "--worker-env", "A=b=c", "--once",
                "--ready-file", "/tmp/r.json"), defaults, Path.of("/repo"));
        LocalStackConfig config = line.config();
        assertEquals(6 * 3 + 1, config.visibilityTimeoutSeconds());
        assertEquals(2, config.maxReceiveCount());
        assertEquals(3, config.taskHeartbeatSeconds());
        assertEquals(9, config.taskTimeoutSeconds());
        assertEquals(4, config.maxConcurrency());
        assertEquals("b=c", config.extraWorkerEnvironment().get("A"));
        assertTrue(line.once());
        assertEquals(Path.of("/tmp/r.json"), line.readyFile());
    }

    @Test
    void badValuesAreRefusedWithAMessageNamingThem() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(
                List.of("--task-heartbeat-seconds", "10", "--task-timeout-seconds", "10"), defaults, Path.of(".")));
        assertTrue(error.getMessage().contains("task_heartbeat_seconds"));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(List.of("--bogus", "1"), defaults, Path.of(".")));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(List.of("--batch-size", "x"), defaults, Path.of(".")));
    }
}
