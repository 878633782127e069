package io.sfncallback.local.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.sfncallback.local.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Terraform variable defaults the local stack runs with, read from {@code terraform-defaults.json} (keys are
 * the variable names of variables.tf; scripts/check-infra.sh checks they still match).
 */
public record TerraformDefaults(String namePrefix, int maxReceiveCount, int messageRetentionSeconds,
        int dlqMessageRetentionSeconds, int lambdaMemoryMb, int lambdaTimeoutSeconds, String lambdaApplicationLogLevel, int batchSize,
        int batchingWindowSeconds, int maxConcurrency, int maxConcurrentRecords, int taskHeartbeatSeconds,
        int taskTimeoutSeconds, int heartbeatIntervalSeconds, int retryDelaySeconds, int approvalTimeoutSeconds,
        boolean approvalEnabled, List<String> approverEmails) {

    public static final String RESOURCE = "/terraform-defaults.json";

    public TerraformDefaults {
        approverEmails = List.copyOf(approverEmails);
    }

    public static TerraformDefaults load() {
        try (InputStream in = TerraformDefaults.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    static TerraformDefaults parse(String json) {
        JsonObject values = Json.parse(json).getAsJsonObject();
        return new TerraformDefaults(
                text(values, "name_prefix"),
                number(values, "max_receive_count"),
                number(values, "message_retention_seconds"),
                number(values, "dlq_message_retention_seconds"),
                number(values, "lambda_memory_mb"),
                number(values, "lambda_timeout_seconds"),
                text(values, "lambda_application_log_level"),
                number(values, "batch_size"),
                number(values, "batching_window_seconds"),
                number(values, "max_concurrency"),
                number(values, "max_concurrent_records"),
                number(values, "task_heartbeat_seconds"),
                number(values, "task_timeout_seconds"),
                number(values, "heartbeat_interval_seconds"),
                number(values, "retry_delay_seconds"),
                number(values, "approval_timeout_seconds"),
                bool(values, "approval_enabled"),
                strings(values, "approver_emails"));
    }

    private static List<String> strings(JsonObject values, String name) {
        JsonElement value = values.get(name);
        if (!(value instanceof JsonArray array)) {
            throw new IllegalStateException(RESOURCE + ": '" + name + "' must be an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (JsonElement item : array) {
            if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
                throw new IllegalStateException(RESOURCE + ": '" + name + "' must be an array of strings");
            }
            strings.add(item.getAsString());
        }
        return strings;
    }

    private static boolean bool(JsonObject values, String name) {
        JsonElement value = values.get(name);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalStateException(RESOURCE + ": " + name + " must be true or false");
        }
        return value.getAsBoolean();
    }

    private static int number(JsonObject values, String name) {
        JsonElement value = values.get(name);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw new IllegalStateException(RESOURCE + ": '" + name + "' must be a number");
        }
        return value.getAsInt();
    }

    private static String text(JsonObject values, String name) {
        JsonElement value = values.get(name);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new IllegalStateException(RESOURCE + ": '" + name + "' must be a string");
        }
        return value.getAsString();
    }
}
