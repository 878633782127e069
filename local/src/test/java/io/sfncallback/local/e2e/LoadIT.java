package io.sfncallback.local.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sfncallback.local.LocalStack;
import io.sfncallback.local.config.LocalStackConfig;
import io.sfncallback.local.config.TerraformDefaults;
import io.sfncallback.local.load.LoadRun;
import io.sfncallback.local.support.Definitions;
import io.sfncallback.local.support.FunctionJars;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 1000 executions started at once through the whole loop: every one succeeds with its own result, none is lost,
 * no task token is completed twice (counted on the endpoint). Correctness only: no timing is asserted.
 */
class LoadIT {

    private static final int EXECUTIONS = 1000;

    @Test
    void thousandConcurrentExecutionsAllSucceedExactlyOnce() throws Exception {
        LocalStackConfig.Builder config = LocalStackConfig.builder(TerraformDefaults.load(), Definitions.repoRoot());
        config.sfnPort = 0;
        config.sqsPort = 0;
        config.approvalPort = 0;
        config.workerJar = FunctionJars.worker();
        config.namePrefix = "load";
        try (LocalStack stack = LocalStack.start(config.build(), (level, line) -> {
            if (level.equals("ERROR")) {
                System.out.println(line);
            }
        }, message -> System.out.println("[stack] " + message))) {
            LoadRun.Report report = new LoadRun(stack, message -> System.out.println("[load] " + message))
                    .run(EXECUTIONS, 32, Duration.ofMinutes(3));
            System.out.println("[load] " + report.summary());
            assertEquals(List.of(), report.problems());
            assertEquals(EXECUTIONS, report.succeeded());
            assertEquals(0, report.lost());
            assertEquals(0, report.completedTwice());
            assertEquals(EXECUTIONS, report.completingTokens());
        }
    }
}
