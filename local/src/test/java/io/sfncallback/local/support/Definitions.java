package io.sfncallback.local.support;

import io.sfncallback.local.asl.DefinitionAssembler;
import io.sfncallback.local.config.LocalStackConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The project's definition as Terraform renders it with chosen timings: statemachine.asl.json, with the approval
 * module's states (approval_enabled = true, {@link #project}) or without them ({@link #core}).
 */
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

    /** The definition with approval on: the core and the approval states. */
    public static String project(int heartbeatSeconds, int timeoutSeconds) {
        return render(heartbeatSeconds, timeoutSeconds, true);
    }

    /** The definition with approval off (Terraform's default): the core alone. */
    public static String core(int heartbeatSeconds, int timeoutSeconds) {
        return render(heartbeatSeconds, timeoutSeconds, false);
    }

    private static String render(int heartbeatSeconds, int timeoutSeconds, boolean approval) {
        try {
            String template = Files.readString(repoRoot().resolve("statemachine.asl.json"));
            Optional<String> approvalStates = approval
                    ? Optional.of(Files.readString(repoRoot().resolve(LocalStackConfig.APPROVAL_STATES)))
                    : Optional.empty();
            return new DefinitionAssembler().assemble(template, approvalStates, Map.of("partition", "aws",
                    "queue_url", QUEUE_URL,
                    "heartbeat_seconds", Integer.toString(heartbeatSeconds),
                    "timeout_seconds", Integer.toString(timeoutSeconds),
                    "approval_function_arn", APPROVAL_FUNCTION_ARN,
                    "approval_timeout_seconds", Integer.toString(APPROVAL_TIMEOUT_SECONDS)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
