package io.sfncallback.local.e2e;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sfncallback.local.LocalStack;
import io.sfncallback.local.config.LocalStackConfig;
import io.sfncallback.local.config.TerraformDefaults;
import io.sfncallback.local.support.Definitions;
import io.sfncallback.local.support.FunctionJars;
import org.junit.jupiter.api.Test;

/**
 * A worker that cannot start makes the stack say so at once: the real worker jar with a PROCESSOR_CLASS that is not
 * in it fails the start with the init error, instead of letting executions wait for a heartbeat timeout.
 */
class WorkerStartIT {

    @Test
    void aWorkerWhoseProcessorClassDoesNotExistFailsTheStartWithItsInitError() {
        LocalStackConfig.Builder config = LocalStackConfig.builder(TerraformDefaults.load(), Definitions.repoRoot());
        config.sfnPort = 0;
        config.sqsPort = 0;
        config.approvalPort = 0;
        config.workerJar = FunctionJars.worker();
        config.namePrefix = "bad-processor";
        config.extraWorkerEnvironment.put("PROCESSOR_CLASS", "com.example.orders.NoSuchProcessor");
        Exception error = assertThrows(Exception.class, () -> LocalStack.start(config.build(),
                (level, line) -> System.out.println(line), message -> System.out.println("[stack] " + message)).close());
        String message = error.getMessage();
        assertTrue(message.contains("could not start") && message.contains("com.example.orders.NoSuchProcessor"),
                message);
    }
}
