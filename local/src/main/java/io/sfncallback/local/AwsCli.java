package io.sfncallback.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Which AWS CLI to print in the commands the local stack suggests: they need the AWS CLI v2 (an old v1 may come
 * first on PATH). {@code $AWS_CLI}, then {@code /usr/bin/aws}, then {@code aws} on PATH, whichever says
 * {@code aws-cli/2} first; with none found, plain {@code aws} and a note that v2 is meant.
 */
final class AwsCli {

    private AwsCli() {
    }

    /** The command to print, and whether it was confirmed to be v2. */
    record Choice(String command, boolean confirmedV2) {
    }

    static Choice find() {
        List<String> candidates = new ArrayList<>();
        String fromEnvironment = System.getenv("AWS_CLI");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            candidates.add(fromEnvironment);
        }
        candidates.add("/usr/bin/aws");
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(java.io.File.pathSeparator)) {
                Path aws = Path.of(directory.isEmpty() ? "." : directory, "aws");
                if (Files.isExecutable(aws)) {
                    candidates.add(aws.toString());
                    break;
                }
            }
        }
        for (String candidate : candidates) {
            if (Files.isExecutable(Path.of(candidate)) && isV2(candidate)) {
                return new Choice(candidate, true);
            }
        }
        return new Choice("aws", false);
    }

    private static boolean isV2(String command) {
        try {
            Process process = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return version.startsWith("aws-cli/2");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
