import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The functions' benchmarks, each a ratio against a baseline measured in the same run (the machine is
 * shared and noisy, so absolute numbers mean little):
 *
 * <ol>
 *   <li>deployment package size: the worker's jar against a build with the SDK's default HTTP clients
 *       (and its goal, at most {@value #WORKER_JAR_GOAL_MIB} MiB), and the approval functions' jar;</li>
 *   <li>simulated cold start: a fresh JVM (with Lambda's Java 21 JIT flags) loads a jar, builds the
 *       handler and answers one request against a local endpoint that answers as Step Functions,
 *       DynamoDB and SNS do: the worker's variants, and each approval function without and after its
 *       SnapStart priming hook; all variants run interleaved and the median of each is compared;</li>
 *   <li>a batch of 10 records with a fixed latency injected into every callback: concurrent against
 *       one record at a time (MAX_CONCURRENT_RECORDS=1), medians of many batches.</li>
 * </ol>
 *
 * Run it through scripts/bench-worker.sh, which builds the jars and compiles the probes.
 */
public final class WorkerBenchmark {

    private static final List<String> LAMBDA_JVM_FLAGS = List.of(
            // What Lambda's java17 and java21 runtimes start the JVM with by default.
            "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Daws.accessKeyId=bench", "-Daws.secretAccessKey=bench");

    /** Issue 14: the worker's deployment package must stay at or under this size. */
    static final double WORKER_JAR_GOAL_MIB = 5.75;
    /** A well-formed approval link (43 base64url characters); the endpoint knows every link. */
    static final String LINK = "bench-link-" + "0".repeat(32);

    /** One way to start a function: {@code mainClass mode ENDPOINT args...} over {@code jar} and the probes. */
    record Variant(String name, Path jar, Path probe, List<String> extraFlags, String mainClass, String mode, List<String> args) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path lean = Path.of(options.get("--lean-jar"));
        Path baseline = Path.of(options.get("--baseline-jar"));
        Path probe = Path.of(options.get("--probe-classes"));
        Path approval = Path.of(options.get("--approval-jar"));
        Path approvalProbe = Path.of(options.get("--approval-probe-classes"));
        String java = options.getOrDefault("--java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        int runs = Integer.parseInt(options.getOrDefault("--runs", "15"));
        int rounds = Integer.parseInt(options.getOrDefault("--batch-rounds", "30"));
        int latency = Integer.parseInt(options.getOrDefault("--latency-ms", "25"));

        StringBuilder report = new StringBuilder();
        report.append("Measured ").append(LocalDate.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", with `scripts/bench-worker.sh").append(options.containsKey("--quick") ? " --quick" : "").append("`.\n\n");

        // 1. Size
        double leanMib = Files.size(lean) / 1048576.0;
        double baselineMib = Files.size(baseline) / 1048576.0;
        boolean sizeMet = leanMib <= WORKER_JAR_GOAL_MIB;
        report.append("### Deployment packages\n\n| jar | size | ratio | goal |\n|---|---:|---:|---|\n");
        report.append(String.format("| worker, default HTTP clients (baseline) | %.2f MiB | 1.00 | |%n", baselineMib));
        report.append(String.format("| worker, `callback-worker.jar` (deployed) | %.2f MiB | **%.2f** | ≤ %.2f MiB: %s |%n", leanMib,
                leanMib / baselineMib, WORKER_JAR_GOAL_MIB, sizeMet ? "met" : "**not met**"));
        report.append(String.format("| approval functions, `callback-approval.jar` (deployed) | %.2f MiB | | |%n%n",
                Files.size(approval) / 1048576.0));
        System.out.print(report);

        try (Endpoint endpoint = new Endpoint(0)) {
            // 2. Cold start
            List<Variant> variants = List.of(
                    worker("default HTTP clients: Apache (baseline)", baseline, probe, "sdk-default",
                            List.of("-Dsoftware.amazon.awssdk.http.service.impl=software.amazon.awssdk.http.apache.ApacheSdkHttpService"), false),
                    worker("default-clients jar, url-connection client", baseline, probe, "url-connection", List.of(), false),
                    worker("lean jar, url-connection client (deployed)", lean, probe, "url-connection", List.of(), false),
                    worker("lean jar after the SnapStart priming hook", lean, probe, "url-connection", List.of(), true));
            List<Variant> approvalVariants = List.of(
                    approval("approval task: one request (baseline)", approval, approvalProbe, "request", List.of("unprimed")),
                    approval("approval task after the SnapStart priming hook", approval, approvalProbe, "request", List.of("primed")),
                    approval("approval page: one GET (baseline)", approval, approvalProbe, "page", List.of(LINK, "unprimed")),
                    approval("approval page after the SnapStart priming hook", approval, approvalProbe, "page", List.of(LINK, "primed")));
            List<Variant> all = new ArrayList<>(variants);
            all.addAll(approvalVariants);
            Map<Variant, List<double[]>> samples = new LinkedHashMap<>();
            all.forEach(v -> samples.put(v, new ArrayList<>()));
            for (Variant v : all) {
                run(java, v, endpoint.url()); // one discarded run each: warms the OS page cache
            }
            for (int i = 0; i < runs; i++) {
                for (Variant v : all) {
                    samples.get(v).add(run(java, v, endpoint.url()));
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
            cold.append(approvalTable(approvalVariants, samples, runs));
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
        if (!sizeMet) {
            System.err.printf("the worker jar is %.2f MiB, over its goal of %.2f MiB%n", leanMib, WORKER_JAR_GOAL_MIB);
            System.exit(1);
        }
    }

    private static Variant worker(String name, Path jar, Path probe, String httpClient, List<String> extraFlags, boolean primed) {
        return new Variant(name, jar, probe, extraFlags, "ColdStartProbe", "cold", List.of(httpClient, primed ? "primed" : "unprimed"));
    }

    private static Variant approval(String name, Path jar, Path probe, String function, List<String> args) {
        return new Variant(name, jar, probe, List.of(), "ApprovalColdStartProbe", function, args);
    }

    /** Each approval function's first request, unprimed (its baseline) and after its priming hook. */
    private static String approvalTable(List<Variant> variants, Map<Variant, List<double[]>> samples, int runs) {
        StringBuilder table = new StringBuilder("### Approval functions: simulated cold start (median of " + runs + " fresh JVMs each)\n\n"
                + "The same fresh JVMs, interleaved with the worker's; each function against its own first request without priming.\n\n"
                + "| variant | init ms | first request ms | ratio | handler ms | ratio |\n|---|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < variants.size(); i += 2) {
            List<double[]> base = samples.get(variants.get(i));
            for (Variant v : variants.subList(i, i + 2)) {
                List<double[]> s = samples.get(v);
                boolean primed = v != variants.get(i);
                String firstRatio = String.format(primed ? "**%.2f**" : "%.2f", median(s, 1) / median(base, 1));
                table.append(String.format("| %s | %.0f | %.0f | %s | %.0f | %.2f |%n", v.name(), median(s, 0), median(s, 1),
                        firstRatio, median(s, 3), median(s, 3) / median(base, 3)));
            }
        }
        return table.append('\n').toString();
    }

    private static String bold(Variant v, List<Variant> variants, double ratio) {
        return v == variants.get(2) ? String.format("**%.2f**", ratio) : String.format("%.2f", ratio);
    }

    /** One cold start: {initMs, firstInvokeMs, processMs, handlerMs}. */
    private static double[] run(String java, Variant v, String endpoint) throws Exception {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(LAMBDA_JVM_FLAGS);
        command.addAll(v.extraFlags());
        command.addAll(List.of("-cp", v.jar() + File.pathSeparator + v.probe(), v.mainClass(), v.mode(), endpoint));
        command.addAll(v.args());
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
        for (String required : List.of("--lean-jar", "--baseline-jar", "--probe-classes", "--approval-jar", "--approval-probe-classes")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("missing " + required);
            }
        }
        return options;
    }

    /**
     * A local endpoint for every AWS call the functions make: Step Functions accepts every callback
     * after a configurable delay; DynamoDB knows one pending approval request behind every link and
     * accepts every write; SNS accepts every Publish.
     */
    static final class Endpoint implements AutoCloseable {
        final HttpServer server;
        volatile int latencyMillis;

        Endpoint(int latencyMillis) throws IOException {
            this.latencyMillis = latencyMillis;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                try (exchange) {
                    String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                    if (this.latencyMillis > 0) {
                        Thread.sleep(this.latencyMillis);
                    }
                    boolean sns = target == null && request.contains("Action=Publish");
                    String answer = sns ? PUBLISHED : "DynamoDB_20120810.GetItem".equals(target) ? item(request) : "{}";
                    byte[] body = answer.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", sns ? "text/xml" : "application/x-amz-json-1.0");
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

        private static final String PUBLISHED = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                + "<PublishResult><MessageId>bench</MessageId></PublishResult>"
                + "<ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></PublishResponse>";
        private static final String ARN = "arn:aws:states:us-east-1:123456789012:execution:bench:e1";

        /** GetItem: a link item for every {@code link#} key, a pending request for every {@code request#} key. */
        private static String item(String request) {
            String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            String expires = Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.SECONDS).toString();
            if (request.contains("\"link#")) {
                return "{\"Item\":{\"requestId\":{\"S\":\"bench-request\"},\"approver\":{\"S\":\"approver@example.com\"},"
                        + "\"executionArn\":{\"S\":\"" + ARN + "\"},\"createdAt\":{\"S\":\"" + created + "\"},"
                        + "\"expiresAt\":{\"S\":\"" + expires + "\"}}}";
            }
            if (request.contains("\"request#")) {
                return "{\"Item\":{\"requestId\":{\"S\":\"bench-request\"},\"taskToken\":{\"S\":\"bench-token\"},"
                        + "\"executionArn\":{\"S\":\"" + ARN + "\"},\"summary\":{\"S\":\"Refund order 42\"},"
                        + "\"approvers\":{\"L\":[{\"S\":\"approver@example.com\"}]},\"createdAt\":{\"S\":\"" + created + "\"},"
                        + "\"expiresAt\":{\"S\":\"" + expires + "\"},\"status\":{\"S\":\"PENDING\"},"
                        + "\"formKey\":{\"B\":\"" + Base64.getEncoder().encodeToString(new byte[32]) + "\"}}}";
            }
            return "{}";
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
