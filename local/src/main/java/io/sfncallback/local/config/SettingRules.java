package io.sfncallback.local.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules Terraform applies to the settings the local stack shares with it (each variable's {@code validation}
 * and the cross-variable {@code precondition}s), applied to the command line before anything starts, with
 * Terraform's own messages: each rule's template is the {@code error_message} text exactly as the .tf files have
 * it ({@code SettingRulesTest} finds every one there), {@code ${var.name}} replaced by the value.
 */
public final class SettingRules {

    /** One rule: Terraform's error message template and the condition, over the settings by variable name. */
    record Rule(String template, Predicate<Settings> holds) {
    }

    /** The settings by Terraform variable name. */
    record Settings(Map<String, Object> values) {
        int integer(String name) {
            return (Integer) values.get(name);
        }

        String text(String name) {
            return (String) values.get(name);
        }

        boolean bool(String name) {
            return (Boolean) values.get(name);
        }

        @SuppressWarnings("unchecked")
        List<String> list(String name) {
            return (List<String>) values.get(name);
        }
    }

    private static final Pattern NAME_PREFIX = Pattern.compile("^[a-z][a-z0-9-]{0,30}[a-z0-9]$");
    private static final Pattern REGION = Pattern.compile("^[a-z]{2}(-[a-z]+)+-[0-9]+$");
    private static final Pattern JAVA_CLASS = Pattern.compile("^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)+$");
    private static final Pattern EMAIL = Pattern.compile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9]"
            + "([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{var\\.([a-z_]+)}");
    /** One year: the longest a standard execution runs. */
    private static final int YEAR_SECONDS = 31_536_000;

    static final List<Rule> RULES = List.of(
            // variables.tf: each variable's validation
            new Rule("name_prefix must be 2-32 characters of a-z, 0-9 and '-', start with a letter and not end with '-'.",
                    s -> NAME_PREFIX.matcher(s.text("name_prefix")).matches()),
            new Rule("region must look like an AWS region code, e.g. eu-west-1, or be null.",
                    s -> REGION.matcher(s.text("region")).matches()),
            range("max_receive_count", 1, 1000,
                    "max_receive_count must be a whole number from 1 to 1000 (the SQS redrive policy range)."),
            range("message_retention_seconds", 60, 1_209_600,
                    "message_retention_seconds must be a whole number from 60 to 1209600 (14 days), the SQS range."),
            range("dlq_message_retention_seconds", 60, 1_209_600,
                    "dlq_message_retention_seconds must be a whole number from 60 to 1209600 (14 days), the SQS range."),
            range("lambda_memory_mb", 128, 10_240, "lambda_memory_mb must be a whole number from 128 to 10240."),
            range("lambda_timeout_seconds", 1, 900,
                    "lambda_timeout_seconds must be a whole number from 1 to 900 (the Lambda maximum)."),
            new Rule("lambda_application_log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL.",
                    s -> Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
                            .contains(s.text("lambda_application_log_level"))),
            range("heartbeat_interval_seconds", 1, Integer.MAX_VALUE,
                    "heartbeat_interval_seconds must be a whole number of at least 1."),
            range("retry_delay_seconds", 0, 43_200,
                    "retry_delay_seconds must be a whole number from 0 to 43200 (the SQS visibility timeout range)."),
            new Rule("processor_class must be a fully qualified Java class name such as com.example.MyProcessor, or null.",
                    s -> JAVA_CLASS.matcher(s.text("processor_class")).matches()),
            range("max_concurrent_records", 1, 1000, "max_concurrent_records must be a whole number from 1 to 1000."),
            range("batch_size", 1, 10_000, "batch_size must be a whole number from 1 to 10000."),
            range("batching_window_seconds", 0, 300, "batching_window_seconds must be a whole number from 0 to 300."),
            range("max_concurrency", 2, 1000, "max_concurrency must be a whole number from 2 to 1000 (the range AWS"
                    + " accepts for an SQS event source)."),
            range("task_heartbeat_seconds", 3, Integer.MAX_VALUE, "task_heartbeat_seconds must be a whole number of at"
                    + " least 3 (the heartbeat interval is at most a third of it)."),
            range("task_timeout_seconds", 4, YEAR_SECONDS, "task_timeout_seconds must be a whole number from 4 to"
                    + " 31536000 (one year, the longest a standard execution runs)."),
            new Rule("approver_emails must hold e-mail addresses like name@example.com: a local part of 1-64 characters"
                    + " without quotes, spaces or @, a dotted domain, 254 characters at most.",
                    s -> s.list("approver_emails").stream().allMatch(a -> a.length() <= 254 && EMAIL.matcher(a).matches())),
            new Rule("approver_emails lists an address twice (addresses are compared ignoring case).",
                    s -> new HashSet<>(s.list("approver_emails").stream().map(a -> a.toLowerCase(Locale.ROOT)).toList())
                            .size() == s.list("approver_emails").size()),
            new Rule("approver_emails may hold at most 100 addresses (each one is an SNS subscription filter policy; SNS"
                    + " allows 200 per topic by default).", s -> s.list("approver_emails").size() <= 100),
            range("approval_timeout_seconds", 60, YEAR_SECONDS, "approval_timeout_seconds must be a whole number from 60"
                    + " (a person needs at least the time an e-mail takes) to 31536000 (one year, the longest a standard"
                    + " execution runs)."),
            // main.tf and modules/callback/main.tf: the rules between variables
            new Rule("task_heartbeat_seconds (${var.task_heartbeat_seconds}) must be less than task_timeout_seconds"
                    + " (${var.task_timeout_seconds}).",
                    s -> s.integer("task_heartbeat_seconds") < s.integer("task_timeout_seconds")),
            new Rule("heartbeat_interval_seconds (${var.heartbeat_interval_seconds}) must be at most a third of"
                    + " task_heartbeat_seconds (${var.task_heartbeat_seconds}), so one lost heartbeat does not time the"
                    + " task out.",
                    s -> (long) s.integer("heartbeat_interval_seconds") * 3 <= s.integer("task_heartbeat_seconds")),
            new Rule("retry_delay_seconds (${var.retry_delay_seconds}) + batching_window_seconds"
                    + " (${var.batching_window_seconds}) must be less than task_heartbeat_seconds"
                    + " (${var.task_heartbeat_seconds}), or a retried task times out before the worker sees it again.",
                    s -> (long) s.integer("retry_delay_seconds") + s.integer("batching_window_seconds")
                            < s.integer("task_heartbeat_seconds")),
            new Rule("task_timeout_seconds (${var.task_timeout_seconds}) + approval_timeout_seconds"
                    + " (${var.approval_timeout_seconds}) must be at most 31536000 (one year, the longest a standard"
                    + " execution runs), or an execution could end before its approval does.",
                    s -> !s.bool("approval_enabled")
                            || (long) s.integer("task_timeout_seconds") + s.integer("approval_timeout_seconds") <= YEAR_SECONDS),
            new Rule("dlq_message_retention_seconds (${var.dlq_message_retention_seconds}) must be at least"
                    + " message_retention_seconds (${var.message_retention_seconds}).",
                    s -> s.integer("dlq_message_retention_seconds") >= s.integer("message_retention_seconds")),
            new Rule("batch_size ${var.batch_size} is above 10, which needs batching_window_seconds >= 1 (it is"
                    + " ${var.batching_window_seconds}).",
                    s -> s.integer("batch_size") <= 10 || s.integer("batching_window_seconds") >= 1));

    private SettingRules() {
    }

    private static Rule range(String name, int min, int max, String template) {
        return new Rule(template, s -> s.integer(name) >= min && s.integer(name) <= max);
    }

    /** Terraform's messages for every rule the settings break, in the order Terraform's files list them. */
    public static List<String> violations(Map<String, Object> settings) {
        Settings view = new Settings(settings);
        List<String> messages = new ArrayList<>();
        for (Rule rule : RULES) {
            if (!rule.holds().test(view)) {
                messages.add(render(rule.template(), settings));
            }
        }
        return messages;
    }

    static String render(String template, Map<String, Object> settings) {
        Matcher matcher = VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(settings.get(matcher.group(1)))));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
