package io.sfncallback.local.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real worker jar the end-to-end tests run, or a clear failure when it has not been built. */
public final class WorkerJar {

    private WorkerJar() {
    }

    public static Path require() {
        Path jar = Path.of(System.getProperty("worker.jar",
                Definitions.repoRoot().resolve("lambda/target/callback-worker.jar").toString()));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("The end-to-end tests run the real worker jar, and " + jar + " does not exist. "
                    + "Build it first: lambda/mvnw -q -f lambda/pom.xml package -DskipTests");
        }
        return jar;
    }
}
