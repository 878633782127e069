package io.sfncallback.local.support;

import io.sfncallback.local.config.LocalStackConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real function jars the end-to-end tests run, or a clear failure when they have not been built. */
public final class FunctionJars {

    private FunctionJars() {
    }

    /** The worker's deployment package (system property worker.jar, else the reactor's). */
    public static Path worker() {
        return require("worker.jar", LocalStackConfig.WORKER_JAR);
    }

    /** The approval functions' deployment package (system property approval.jar, else the reactor's). */
    public static Path approval() {
        return require("approval.jar", LocalStackConfig.APPROVAL_JAR);
    }

    /** The example processor's jar (examples/order-processor: the worker with a user's processor in it). */
    public static Path exampleProcessor() {
        return require("example.jar", "examples/order-processor/target/order-processor.jar");
    }

    private static Path require(String property, String relativePath) {
        Path jar = Path.of(System.getProperty(property, Definitions.repoRoot().resolve(relativePath).toString()));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("The end-to-end tests run the real function jars, and " + jar + " does not exist. "
                    + "Build it first: " + LocalStackConfig.BUILD_COMMAND);
        }
        return jar;
    }
}
