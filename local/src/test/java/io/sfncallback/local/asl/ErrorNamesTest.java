package io.sfncallback.local.asl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Error matching as the AWS developer guide's "Error names" section defines it, with the names AWS reports: a
 * heartbeat expiry is reported as States.Timeout (LocalStack parity snapshot
 * tests/aws/services/stepfunctions/v2/timeouts/test_heartbeats.snapshot.json, recorded against AWS 2024-04-18) and
 * only ErrorEquals tells it apart, with States.HeartbeatTimeout.
 */
class ErrorNamesTest {

    @Test
    void aHeartbeatExpiryMatchesStatesHeartbeatTimeoutStatesTimeoutAndStatesAll() {
        assertTrue(ErrorNames.matches(List.of("States.HeartbeatTimeout"), "States.Timeout", true));
        assertTrue(ErrorNames.matches(List.of("States.Timeout"), "States.Timeout", true));
        assertTrue(ErrorNames.matches(List.of("States.ALL"), "States.Timeout", true));
        assertFalse(ErrorNames.matches(List.of("States.TaskFailed"), "States.Timeout", true));
    }

    @Test
    void aTaskTimeoutIsNotAHeartbeatTimeout() {
        assertTrue(ErrorNames.matches(List.of("States.Timeout"), "States.Timeout", false));
        assertFalse(ErrorNames.matches(List.of("States.HeartbeatTimeout"), "States.Timeout", false));
        assertFalse(ErrorNames.matches(List.of("States.TaskFailed"), "States.Timeout", false));
    }

    @Test
    void statesTaskFailedMatchesAnyOtherErrorAndTerminalErrorsMatchNothing() {
        assertTrue(ErrorNames.matches(List.of("States.TaskFailed"), "Worker.Unhandled", false));
        assertTrue(ErrorNames.matches(List.of("Worker.Unhandled"), "Worker.Unhandled", false));
        assertFalse(ErrorNames.matches(List.of("worker.unhandled"), "Worker.Unhandled", false));
        assertFalse(ErrorNames.matches(List.of("States.ALL"), "States.Runtime", false));
        assertFalse(ErrorNames.matches(List.of("States.ALL"), "States.DataLimitExceeded", false));
    }

    @Test
    void aFailureWithoutAnErrorNameIsCaughtByStatesAllAndStatesTaskFailed() {
        assertTrue(ErrorNames.matches(List.of("States.ALL"), null, false));
        assertTrue(ErrorNames.matches(List.of("States.TaskFailed"), null, false));
        assertFalse(ErrorNames.matches(List.of("Worker.Unhandled"), null, false));
    }
}
