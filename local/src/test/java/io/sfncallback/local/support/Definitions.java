package io.sfncallback.local.support;

import io.sfncallback.local.asl.TemplateRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The project's statemachine.asl.json, rendered like Terraform's templatefile with chosen timings. */
public final class Definitions {

    public static final String QUEUE_URL = "http://127.0.0.1:9324/123456789012/sfn-callback-tasks";
    /** The approval task's function, as the local stack names it. */
    public static final String APPROVAL_FUNCTION_ARN =
            "arn:aws:lambda:us-east-1:123456789012:function:sfn-callback-approval-request";
    /** approval_timeout_seconds' Terraform default. */
    public static final int APPROVAL_TIMEOUT_SECONDS = 86_400;

    private Definitions() {
    }

    public static Path repoRoot() {
        return Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    }

    public static String project(int heartbeatSeconds, int timeoutSeconds) {
        try {
            String template = Files.readString(repoRoot().resolve("statemachine.asl.json"));
            return new TemplateRenderer().render(template, Map.of("partition", "aws", "queue_url", QUEUE_URL,
                    "heartbeat_seconds", Integer.toString(heartbeatSeconds),
                    "timeout_seconds", Integer.toString(timeoutSeconds),
                    "approval_function_arn", APPROVAL_FUNCTION_ARN,
                    "approval_timeout_seconds", Integer.toString(APPROVAL_TIMEOUT_SECONDS)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
