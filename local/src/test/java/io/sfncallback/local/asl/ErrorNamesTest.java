package io.sfncallback.local.asl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Error matching as the AWS developer guide's "Error names" section defines it. */
class ErrorNamesTest {

    @Test
    void aHeartbeatTimeoutMatchesStatesHeartbeatTimeoutStatesTimeoutAndStatesAll() {
        assertTrue(ErrorNames.matches(List.of("States.HeartbeatTimeout"), "States.HeartbeatTimeout"));
        assertTrue(ErrorNames.matches(List.of("States.Timeout"), "States.HeartbeatTimeout"));
        assertTrue(ErrorNames.matches(List.of("States.ALL"), "States.HeartbeatTimeout"));
        assertFalse(ErrorNames.matches(List.of("States.TaskFailed"), "States.HeartbeatTimeout"));
    }

    @Test
    void aTaskTimeoutIsNotAHeartbeatTimeout() {
        assertTrue(ErrorNames.matches(List.of("States.Timeout"), "States.Timeout"));
        assertFalse(ErrorNames.matches(List.of("States.HeartbeatTimeout"), "States.Timeout"));
        assertFalse(ErrorNames.matches(List.of("States.TaskFailed"), "States.Timeout"));
    }

    @Test
    void statesTaskFailedMatchesAnyOtherErrorAndTerminalErrorsMatchNothing() {
        assertTrue(ErrorNames.matches(List.of("States.TaskFailed"), "Worker.Unhandled"));
        assertTrue(ErrorNames.matches(List.of("Worker.Unhandled"), "Worker.Unhandled"));
        assertFalse(ErrorNames.matches(List.of("worker.unhandled"), "Worker.Unhandled"));
        assertFalse(ErrorNames.matches(List.of("States.ALL"), "States.Runtime"));
        assertFalse(ErrorNames.matches(List.of("States.ALL"), "States.DataLimitExceeded"));
    }
}
