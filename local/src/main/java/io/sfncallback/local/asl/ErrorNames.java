package io.sfncallback.local.asl;

import java.util.List;
import java.util.Set;

/**
 * The error names the interpreter reports and how {@code ErrorEquals} matches them, as the AWS developer guide
 * ("Error handling in Step Functions", https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)
 * defines them:
 * <ul>
 *   <li>{@code States.ALL} matches any error name except the terminal {@code States.DataLimitExceeded} and
 *       {@code States.Runtime};</li>
 *   <li>{@code States.Timeout}: "a Task state either ran longer than the TimeoutSeconds value, or failed to send a
 *       heartbeat for a period longer than the HeartbeatSeconds value", so it matches both timeouts;</li>
 *   <li>{@code States.HeartbeatTimeout}: "a Task state failed to send a heartbeat for a period longer than the
 *       HeartbeatSeconds value"; it is the name a heartbeat timeout reports, and matches only that;</li>
 *   <li>{@code States.TaskFailed} matches any error name except the timeouts (and the terminal errors).</li>
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

    private static final Set<String> TERMINAL = Set.of(RUNTIME, DATA_LIMIT_EXCEEDED);
    private static final Set<String> TIMEOUTS = Set.of(TIMEOUT, HEARTBEAT_TIMEOUT);

    private ErrorNames() {
    }

    /** Terminal errors fail the execution whatever the Retry and Catch fields say. */
    public static boolean isTerminal(String error) {
        return TERMINAL.contains(error);
    }

    public static boolean matches(List<String> errorEquals, String error) {
        if (isTerminal(error)) {
            return false;
        }
        if (errorEquals.contains(error) || errorEquals.contains(ALL)) {
            return true;
        }
        if (HEARTBEAT_TIMEOUT.equals(error) && errorEquals.contains(TIMEOUT)) {
            return true;
        }
        return errorEquals.contains(TASK_FAILED) && !TIMEOUTS.contains(error);
    }
}
