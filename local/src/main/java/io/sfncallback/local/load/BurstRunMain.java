package io.sfncallback.local.load;

import io.sfncallback.local.LocalStack;
import io.sfncallback.local.config.CommandLine;
import io.sfncallback.local.config.TerraformDefaults;
import io.sfncallback.local.esm.LogSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Entry point of {@code scripts/bench-local-burst.sh}: a fresh local stack on free ports with the given timings, a
 * burst of slow tasks larger than the in-flight capacity, a report per wave on stdout and a line
 * {@code RESULT <json>}. Exit code 1 when an execution was lost, ended another way than SUCCEEDED or
 * Task.NoHeartbeat, or a message was left in a queue.
 */
public final class BurstRunMain {

    private BurstRunMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        int executions = 40;
        int taskSeconds = 5;
        int timeoutSeconds = 600;
        List<String> stackArgs = new ArrayList<>(List.of("--sfn-port", "0", "--sqs-port", "0"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--executions" -> executions = Integer.parseInt(args[++i]);
                case "--task-seconds" -> taskSeconds = Integer.parseInt(args[++i]);
                case "--timeout-seconds" -> timeoutSeconds = Integer.parseInt(args[++i]);
                default -> stackArgs.add(args[i]);
            }
        }
        Path repoRoot = Path.of(System.getProperty("repo.root", ".")).toAbsolutePath().normalize();
        CommandLine commandLine = CommandLine.parse(stackArgs, TerraformDefaults.load(), repoRoot);
        LogSink quiet = (level, line) -> {
            if ("ERROR".equals(level) || "FATAL".equals(level)) {
                System.out.println(line);
            }
        };
        BurstRun.Report report;
        try (LocalStack stack = LocalStack.start(commandLine.config(), quiet, BurstRunMain::progress)) {
            report = new BurstRun(stack, BurstRunMain::progress).run(executions, taskSeconds,
                    Duration.ofSeconds(timeoutSeconds));
        }
        progress(report.summary());
        for (BurstRun.Wave wave : report.waves()) {
            progress(String.format(Locale.ROOT, "wave %2d (executions %d-%d, waits about %d s): %d succeeded, "
                            + "%d Task.NoHeartbeat%s", wave.wave(), wave.wave() * report.capacity(),
                    wave.wave() * report.capacity() + wave.executions() - 1, wave.wave() * report.taskSeconds(),
                    wave.succeeded(), wave.noHeartbeat(), wave.other() > 0 ? ", " + wave.other() + " otherwise" : ""));
        }
        report.problems().stream().limit(20).forEach(problem -> progress("problem: " + problem));
        StringBuilder waves = new StringBuilder("[");
        for (BurstRun.Wave wave : report.waves()) {
            waves.append(waves.length() > 1 ? "," : "").append(String.format(Locale.ROOT,
                    "{\"wave\":%d,\"executions\":%d,\"succeeded\":%d,\"noHeartbeat\":%d,\"other\":%d}",
                    wave.wave(), wave.executions(), wave.succeeded(), wave.noHeartbeat(), wave.other()));
        }
        System.out.printf(Locale.ROOT, "RESULT {\"executions\":%d,\"capacity\":%d,\"taskSeconds\":%d,"
                        + "\"heartbeatSeconds\":%d,\"predictedSafeBurst\":%d,\"succeeded\":%d,\"noHeartbeat\":%d,"
                        + "\"other\":%d,\"firstFailedWave\":%d,\"seconds\":%d,\"problems\":%d,\"waves\":%s]}%n",
                report.executions(), report.capacity(), report.taskSeconds(), report.heartbeatSeconds(),
                report.predictedSafeBurst(), report.succeeded(), report.noHeartbeat(), report.other(),
                report.firstFailedWave(), report.seconds(), report.problems().size(), waves);
        System.exit(report.problems().isEmpty() ? 0 : 1);
    }

    private static void progress(String message) {
        System.out.println("[burst] " + message);
    }
}
