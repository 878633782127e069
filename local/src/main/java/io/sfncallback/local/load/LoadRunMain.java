package io.sfncallback.local.load;

import io.sfncallback.local.LocalStack;
import io.sfncallback.local.config.CommandLine;
import io.sfncallback.local.config.TerraformDefaults;
import io.sfncallback.local.esm.LogSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of {@code scripts/bench-local-load.sh}: a fresh local stack on free ports, an optional warm-up run,
 * the measured run, the report on stdout (a line {@code RESULT <json>}). Exit code 1 when any execution of the
 * measured run went wrong.
 */
public final class LoadRunMain {

    private LoadRunMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        int executions = 1000;
        int clientThreads = 32;
        int timeoutSeconds = 300;
        int warmup = 0;
        List<String> stackArgs = new ArrayList<>(List.of("--sfn-port", "0", "--sqs-port", "0", "--approval-port", "0"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--executions" -> executions = Integer.parseInt(args[++i]);
                case "--client-threads" -> clientThreads = Integer.parseInt(args[++i]);
                case "--timeout-seconds" -> timeoutSeconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> stackArgs.add(args[i]);
            }
        }
        Path repoRoot = Path.of(System.getProperty("repo.root", ".")).toAbsolutePath().normalize();
        CommandLine commandLine = CommandLine.parse(stackArgs, TerraformDefaults.load(), repoRoot);
        LogSink quiet = (level, line) -> {
            if (!"INFO".equals(level) && !"DEBUG".equals(level) && !"TRACE".equals(level)) {
                System.out.println(line);
            }
        };
        LoadRun.Report report;
        try (LocalStack stack = LocalStack.start(commandLine.config(), quiet, LoadRunMain::progress)) {
            LoadRun load = new LoadRun(stack, LoadRunMain::progress);
            if (warmup > 0) {
                progress("warm-up: " + warmup + " executions (JIT, class loading, the worker's cold starts)");
                LoadRun.Report warm = load.run(warmup, clientThreads, Duration.ofSeconds(timeoutSeconds));
                progress("warm-up " + warm.summary());
            }
            report = load.run(executions, clientThreads, Duration.ofSeconds(timeoutSeconds));
        }
        progress(report.summary());
        report.problems().stream().limit(20).forEach(problem -> progress("problem: " + problem));
        System.out.printf(java.util.Locale.ROOT,
                "RESULT {\"executions\":%d,\"succeeded\":%d,\"lost\":%d,\"completedTwice\":%d,"
                        + "\"executionsPerSecond\":%.1f,\"p50Millis\":%d,\"p99Millis\":%d,\"maxMillis\":%d}%n",
                report.executions(), report.succeeded(), report.lost(), report.completedTwice(),
                report.executionsPerSecond(), report.p50Millis(), report.p99Millis(), report.maxMillis());
        System.exit(report.problems().isEmpty() ? 0 : 1);
    }

    private static void progress(String message) {
        System.out.println("[load] " + message);
    }
}
