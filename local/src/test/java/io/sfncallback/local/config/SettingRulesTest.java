package io.sfncallback.local.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sfncallback.local.support.Definitions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The local stack refuses what Terraform refuses, with Terraform's own words, and its tips work as written. */
class SettingRulesTest {

    private static final Pattern ERROR_MESSAGE = Pattern.compile("error_message\\s*=\\s*\"((?:\\\\.|[^\"\\\\])*)\"");

    private final TerraformDefaults defaults = TerraformDefaults.load();

    /** Every error_message of the Terraform configuration (root and modules), unescaped. */
    private static List<String> terraformMessages() throws IOException {
        Path root = Definitions.repoRoot();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> tf = Files.walk(root, 3)) {
            tf.filter(path -> path.toString().endsWith(".tf"))
                    .filter(path -> !root.relativize(path).startsWith("tests"))
                    .filter(path -> !path.toString().contains(".terraform"))
                    .forEach(files::add);
        }
        List<String> messages = new ArrayList<>();
        for (Path file : files) {
            Matcher matcher = ERROR_MESSAGE.matcher(Files.readString(file));
            while (matcher.find()) {
                messages.add(matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
        }
        return messages;
    }

    @Test
    void everyRuleIsWordedExactlyAsTerraformWordsIt() throws IOException {
        List<String> terraform = terraformMessages();
        for (SettingRules.Rule rule : SettingRules.RULES) {
            assertTrue(terraform.contains(rule.template()), "no error_message in the .tf files reads: " + rule.template());
        }
    }

    private String refusal(String... args) {
        return assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(List.of(args), defaults, Path.of("/repo"))).getMessage();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--task-heartbeat-seconds     | 2     | task_heartbeat_seconds must be a whole number of at least 3",
            "--task-timeout-seconds       | 3     | task_timeout_seconds must be a whole number from 4 to 31536000",
            "--max-concurrency            | 1     | max_concurrency must be a whole number from 2 to 1000",
            "--approval-timeout-seconds   | 30    | approval_timeout_seconds must be a whole number from 60",
            "--name-prefix                | Bad_  | name_prefix must be 2-32 characters",
            "--processor-class            | Plain | processor_class must be a fully qualified Java class name",
            "--lambda-application-log-level | LOUD | lambda_application_log_level must be one of TRACE",
            "--approver-emails            | a@b.example,A@b.example | approver_emails lists an address twice",
    })
    void aValueTerraformRefusesIsRefusedWithTerraformsMessage(String flag, String value, String message) {
        assertTrue(refusal(flag, value).startsWith(message), refusal(flag, value));
    }

    @Test
    void theRulesBetweenSettingsNameTheValues() {
        assertEquals("heartbeat_interval_seconds (30) must be at most a third of task_heartbeat_seconds (20), so one"
                + " lost heartbeat does not time the task out.", refusal("--heartbeat-interval-seconds", "30",
                "--task-heartbeat-seconds", "20"));
        assertEquals("task_heartbeat_seconds (60) must be less than task_timeout_seconds (60).",
                refusal("--task-timeout-seconds", "60"));
        assertEquals("batch_size 20 is above 10, which needs batching_window_seconds >= 1 (it is 0).",
                refusal("--batch-size", "20"));
        assertTrue(refusal("--approval-enabled", "true", "--task-timeout-seconds", "31536000",
                "--task-heartbeat-seconds", "60").startsWith("task_timeout_seconds (31536000) + approval_timeout_seconds"
                + " (86400) must be at most 31536000"));
    }

    @Test
    void theReadmesShortHeartbeatTipWorksAsWritten() {
        LocalStackConfig config = CommandLine.parse(List.of("--task-heartbeat-seconds", "3"), defaults,
                Path.of("/repo")).config();

        assertEquals(3, config.taskHeartbeatSeconds());
        assertEquals(1, config.heartbeatIntervalSeconds(), "the interval follows: at most a third of the heartbeat");
        assertEquals(2, config.retryDelaySeconds(), "the retry delay follows: below the heartbeat");
    }

    @Test
    void givenDependentSettingsAreKeptAndCheckedNotReplaced() {
        LocalStackConfig config = CommandLine.parse(List.of("--task-heartbeat-seconds", "30",
                "--heartbeat-interval-seconds", "10", "--retry-delay-seconds", "5"), defaults, Path.of("/repo")).config();

        assertEquals(10, config.heartbeatIntervalSeconds());
        assertEquals(5, config.retryDelaySeconds());
        assertEquals("heartbeat_interval_seconds (15) must be at most a third of task_heartbeat_seconds (30), so one"
                + " lost heartbeat does not time the task out.", refusal("--task-heartbeat-seconds", "30",
                "--heartbeat-interval-seconds", "15"));
    }

    @Test
    void theReadmesApprovalExpiryTipWorksAsWritten() {
        assertEquals(60, CommandLine.parse(List.of("--approval-enabled", "true", "--approval-timeout-seconds", "60"),
                defaults, Path.of("/repo")).config().approvalTimeoutSeconds());
    }
}
