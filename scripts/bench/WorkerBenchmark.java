import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker's benchmarks, each a ratio against a baseline measured in the same run (the machine is
 * shared and noisy, so absolute numbers mean little):
 *
 * <ol>
 *   <li>deployment package size: the lean jar against a build with the SDK's default HTTP clients;</li>
 *   <li>simulated cold start: a fresh JVM (with Lambda's Java 21 JIT flags) loads a jar, builds the
 *       handler and processes one record against a local Step Functions endpoint; the variants run
 *       interleaved and the median of each is compared;</li>
 *   <li>a batch of 10 records with a fixed latency injected into every callback: concurrent against
 *       one record at a time (MAX_CONCURRENT_RECORDS=1), medians of many batches.</li>
 * </ol>
 *
 * Run it through scripts/bench-worker.sh, which builds the jars and compiles the probe.
 */
public final class WorkerBenchmark {

    private static final List<String> LAMBDA_JVM_FLAGS = List.of(
            // What Lambda's java17 and java21 runtimes start the JVM with by default.
            "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Daws.accessKeyId=bench", "-Daws.secretAccessKey=bench");

    record Variant(String name, Path jar, String httpClient, List<String> extraFlags, boolean primed) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path lean = Path.of(options.get("--lean-jar"));
        Path baseline = Path.of(options.get("--baseline-jar"));
        Path probe = Path.of(options.get("--probe-classes"));
        String java = options.getOrDefault("--java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        int runs = Integer.parseInt(options.getOrDefault("--runs", "15"));
        int rounds = Integer.parseInt(options.getOrDefault("--batch-rounds", "30"));
        int latency = Integer.parseInt(options.getOrDefault("--latency-ms", "25"));

        StringBuilder report = new StringBuilder();
        report.append("Measured ").append(LocalDate.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", with `scripts/bench-worker.sh").append(options.containsKey("--quick") ? " --quick" : "").append("`.\n\n");

        // 1. Size
        long leanBytes = Files.size(lean);
        long baselineBytes = Files.size(baseline);
        report.append("### Deployment package\n\n| build | size | ratio |\n|---|---:|---:|\n");
        report.append(String.format("| default HTTP clients (baseline) | %.2f MiB | 1.00 |%n", baselineBytes / 1048576.0));
        report.append(String.format("| lean (deployed) | %.2f MiB | **%.2f** |%n%n", leanBytes / 1048576.0, (double) leanBytes / baselineBytes));
        System.out.print(report);

        try (Endpoint endpoint = new Endpoint(0)) {
            // 2. Cold start
            List<Variant> variants = List.of(
                    new Variant("default HTTP clients: Apache (baseline)", baseline, "sdk-default",
                            List.of("-Dsoftware.amazon.awssdk.http.service.impl=software.amazon.awssdk.http.apache.ApacheSdkHttpService"), false),
                    new Variant("default-clients jar, url-connection client", baseline, "url-connection", List.of(), false),
                    new Variant("lean jar, url-connection client (deployed)", lean, "url-connection", List.of(), false),
                    new Variant("lean jar after the SnapStart priming hook", lean, "url-connection", List.of(), true));
            Map<Variant, List<double[]>> samples = new LinkedHashMap<>();
            variants.forEach(v -> samples.put(v, new ArrayList<>()));
            for (Variant v : variants) {
                run(java, probe, v, endpoint.url()); // one discarded run each: warms the OS page cache
            }
            for (int i = 0; i < runs; i++) {
                for (Variant v : variants) {
                    samples.get(v).add(run(java, probe, v, endpoint.url()));
                }
                System.err.printf("cold start: %d/%d rounds%n", i + 1, runs);
            }
            double baseProcess = median(samples.get(variants.get(0)), 2);
            double baseHandler = median(samples.get(variants.get(0)), 3);
            StringBuilder cold = new StringBuilder("### Simulated cold start (median of " + runs + " fresh JVMs each)\n\n"
                    + "`handler` is init (building the handler) plus the first invocation; `process` is the whole JVM, from launch to exit.\n\n"
                    + "| variant | init ms | first invoke ms | handler ms | ratio | process ms | ratio |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (Variant v : variants) {
                List<double[]> s = samples.get(v);
                cold.append(String.format("| %s | %.0f | %.0f | %.0f | %s | %.0f | %.2f |%n", v.name(), median(s, 0), median(s, 1),
                        median(s, 3), bold(v, variants, median(s, 3) / baseHandler), median(s, 2), median(s, 2) / baseProcess));
            }
            cold.append('\n');
            System.out.print(cold);
            report.append(cold);

            // 3. Batch concurrency
            endpoint.latencyMillis = latency;
            double[] concurrent = batch(java, probe, lean, endpoint.url(), 10, rounds);
            double[] sequential = batch(java, probe, lean, endpoint.url(), 1, rounds);
            double mc = median(concurrent);
            double ms = median(sequential);
            StringBuilder batch = new StringBuilder(String.format(
                    "### A batch of 10 with %d ms injected into every callback (median of %d batches)%n%n"
                            + "| mode | batch ms | ratio |%n|---|---:|---:|%n"
                            + "| one record at a time (`MAX_CONCURRENT_RECORDS=1`, baseline) | %.0f | 1.00 |%n"
                            + "| concurrent (`MAX_CONCURRENT_RECORDS=10`, default) | %.0f | **%.2f** |%n",
                    latency, rounds, ms, mc, mc / ms));
            System.out.print(batch);
            report.append(batch);
        }

        if (options.containsKey("--update-docs")) {
            update(Path.of(options.get("--update-docs")), report.toString());
        }
    }

    private static String bold(Variant v, List<Variant> variants, double ratio) {
        return v == variants.get(2) ? String.format("**%.2f**", ratio) : String.format("%.2f", ratio);
    }

    /** One cold start: {initMs, firstInvokeMs, processMs, handlerMs}. */
    private static double[] run(String java, Path probe, Variant v, String endpoint) throws Exception {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(LAMBDA_JVM_FLAGS);
        command.addAll(v.extraFlags());
        command.addAll(List.of("-cp", v.jar() + File.pathSeparator + probe, "ColdStartProbe", "cold", endpoint, v.httpClient(),
                v.primed() ? "primed" : "unprimed"));
        long t0 = System.nanoTime();
        String out = exec(command);
        double processMs = (System.nanoTime() - t0) / 1e6;
        double init = number(out, "initMs");
        double first = number(out, "firstInvokeMs");
        return new double[] {init, first, processMs, init + first};
    }

    private static double[] batch(String java, Path probe, Path jar, String endpoint, int concurrency, int rounds) throws Exception {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(LAMBDA_JVM_FLAGS);
        command.addAll(List.of("-cp", jar + File.pathSeparator + probe, "ColdStartProbe", "batch", endpoint,
                Integer.toString(concurrency), Integer.toString(rounds)));
        String out = exec(command);
        Matcher m = Pattern.compile("\"batchMs\":\\[([^\\]]*)\\]").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no batch timings in: " + out);
        }
        return Arrays.stream(m.group(1).split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    private static String exec(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("probe failed (" + String.join(" ", command) + "):\n" + out);
        }
        return out;
    }

    private static double number(String out, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":([0-9.]+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in probe output:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static double median(List<double[]> samples, int column) {
        return median(samples.stream().mapToDouble(s -> s[column]).toArray());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void update(Path docs, String section) throws IOException {
        String begin = "<!-- worker-bench:begin -->";
        String end = "<!-- worker-bench:end -->";
        String text = Files.exists(docs) ? Files.readString(docs) : "# Benchmarks\n\n";
        String block = begin + "\n" + section + end;
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        text = b >= 0 && e > b ? text.substring(0, b) + block + text.substring(e + end.length()) : text + "\n" + block + "\n";
        Files.writeString(docs, text);
        System.err.println("updated " + docs);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
                options.put(args[i], flag ? "true" : args[++i]);
            }
        }
        for (String required : List.of("--lean-jar", "--baseline-jar", "--probe-classes")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("missing " + required);
            }
        }
        return options;
    }

    /** A Step Functions endpoint that accepts every callback after a configurable delay. */
    static final class Endpoint implements AutoCloseable {
        final HttpServer server;
        volatile int latencyMillis;

        Endpoint(int latencyMillis) throws IOException {
            this.latencyMillis = latencyMillis;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    if (this.latencyMillis > 0) {
                        Thread.sleep(this.latencyMillis);
                    }
                    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
