package io.sfncallback.local.asl;

import java.util.List;
import java.util.Set;

/**
 * The error names the interpreter reports and how {@code ErrorEquals} matches them, as the AWS developer guide
 * ("Error handling in Step Functions", https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)
 * defines them and as AWS records them:
 * <ul>
 *   <li>{@code States.ALL} matches any error name except the terminal {@code States.DataLimitExceeded} and
 *       {@code States.Runtime};</li>
 *   <li>a heartbeat expiry and a task running past TimeoutSeconds are both <em>reported</em> as
 *       {@code States.Timeout} (TaskTimedOut and ExecutionFailed in LocalStack's parity snapshot
 *       {@code tests/aws/services/stepfunctions/v2/timeouts/test_heartbeats.snapshot.json}, recorded against AWS
 *       2024-04-18), so {@code States.Timeout} matches both;</li>
 *   <li>{@code States.HeartbeatTimeout} is a name "available inside the Catch and Retry fields": it matches the
 *       heartbeat expiry only;</li>
 *   <li>{@code States.TaskFailed} matches any error name except {@code States.Timeout} (and the terminal errors).</li>
 * </ul>
 */
public final class ErrorNames {

    public static final String ALL = "States.ALL";
    public static final String TIMEOUT = "States.Timeout";
    public static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
    public static final String TASK_FAILED = "States.TaskFailed";
    public static final String RUNTIME = "States.Runtime";
    public static final String DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";
    public static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
    public static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";

    private static final Set<String> TERMINAL = Set.of(RUNTIME, DATA_LIMIT_EXCEEDED);

    private ErrorNames() {
    }

    /** Terminal errors fail the execution whatever the Retry and Catch fields say; no error (null) is not one. */
    public static boolean isTerminal(String error) {
        return error != null && TERMINAL.contains(error);
    }

    /**
     * Whether a retrier or catcher with {@code errorEquals} handles {@code error}; {@code heartbeatExpired} says
     * that this {@code States.Timeout} is a heartbeat expiry.
     */
    public static boolean matches(List<String> errorEquals, String error, boolean heartbeatExpired) {
        if (isTerminal(error)) {
            return false;
        }
        if (errorEquals.contains(ALL) || (error != null && errorEquals.contains(error))) {
            return true;
        }
        if (heartbeatExpired && errorEquals.contains(HEARTBEAT_TIMEOUT)) {
            return true;
        }
        return errorEquals.contains(TASK_FAILED) && !TIMEOUT.equals(error);
    }
}
