package io.sfncallback.local.load;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.sfncallback.local.LocalStack;
import io.sfncallback.local.json.Json;
import io.sfncallback.testkit.CallbackLedger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Starts many executions of the demo processor at once through the local endpoint with the AWS SDK, waits for
 * all of them, and checks every one: SUCCEEDED with its own input echoed, exactly one completing callback per
 * task token (counted on the endpoint side). Reports throughput and start-to-finish latency.
 */
public final class LoadRun {

    /** What a run found. {@code problems} is empty when every execution ended as expected. */
    public record Report(int executions, int succeeded, int lost, int completedTwice, int completingTokens,
            double executionsPerSecond, long p50Millis, long p99Millis, long maxMillis, List<String> problems) {

        public String summary() {
            return String.format(java.util.Locale.ROOT,
                    "%d executions: %d succeeded, %d lost, %d completed twice; %.1f executions/s; "
                            + "start-to-finish p50 %d ms, p99 %d ms, max %d ms",
                    executions, succeeded, lost, completedTwice, executionsPerSecond, p50Millis, p99Millis, maxMillis);
        }
    }

    private final LocalStack stack;
    private final Consumer<String> progress;

    public LoadRun(LocalStack stack, Consumer<String> progress) {
        this.stack = stack;
        this.progress = progress;
    }

    public Report run(int executions, int clientThreads, Duration timeout) throws Exception {
        java.util.Set<String> earlierTokens = java.util.Set.copyOf(stack.callbacks().snapshot().keySet());
        Map<String, Integer> numberByArn = new ConcurrentHashMap<>();
        try (SfnClient sfn = client(stack.sfnEndpoint(), stack.config().region());
                ExecutorService clients = Executors.newFixedThreadPool(clientThreads)) {
            progress.accept("starting " + executions + " executions with " + clientThreads + " client threads");
            List<Future<?>> starts = new ArrayList<>();
            for (int i = 0; i < executions; i++) {
                int number = i;
                starts.add(clients.submit(() -> {
                    String arn = sfn.startExecution(b -> b.stateMachineArn(stack.stateMachineArn())
                            .name("load-" + number + "-" + System.nanoTime())
                            .input("{\"mode\":\"succeed\",\"n\":" + number + "}")).executionArn();
                    numberByArn.put(arn, number);
                }));
            }
            for (Future<?> start : starts) {
                start.get();
            }
            progress.accept("all " + executions + " started; waiting for them to finish");
            awaitNoneRunning(sfn, timeout);

            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            List<Instant> starts2 = Collections.synchronizedList(new ArrayList<>());
            List<Instant> stops = Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> checks = new ArrayList<>();
            for (Map.Entry<String, Integer> entry : numberByArn.entrySet()) {
                checks.add(clients.submit(() -> {
                    DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(entry.getKey()));
                    check(execution, entry.getValue(), problems);
                    if (execution.stopDate() != null) {
                        latencies.add(Duration.between(execution.startDate(), execution.stopDate()).toMillis());
                        starts2.add(execution.startDate());
                        stops.add(execution.stopDate());
                    }
                }));
            }
            for (Future<?> check : checks) {
                check.get();
            }
            return report(executions, problems, latencies, starts2, stops, earlierTokens);
        }
    }

    private void awaitNoneRunning(SfnClient sfn, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextNote = 0;
        while (true) {
            long running = sfn.listExecutionsPaginator(b -> b.stateMachineArn(stack.stateMachineArn())
                    .statusFilter(ExecutionStatus.RUNNING).maxResults(1000)).executions().stream().count();
            if (running == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                progress.accept(running + " executions still running at the timeout");
                return;
            }
            if (System.nanoTime() > nextNote) {
                progress.accept(running + " executions running");
                nextNote = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            }
            Thread.sleep(100);
        }
    }

    private static void check(DescribeExecutionResponse execution, int number, List<String> problems) {
        if (execution.status() != ExecutionStatus.SUCCEEDED) {
            problems.add(execution.executionArn() + " ended " + execution.status() + " " + execution.error()
                    + " " + execution.cause());
            return;
        }
        JsonElement result = Json.parse(execution.output()).getAsJsonObject().get("result");
        JsonObject echo = result == null ? null : result.getAsJsonObject().getAsJsonObject("echo");
        if (echo == null || echo.get("n") == null || echo.get("n").getAsInt() != number) {
            problems.add(execution.executionArn() + " has the wrong output " + execution.output());
        }
    }

    private Report report(int executions, List<String> problems, List<Long> latencies, List<Instant> starts,
            List<Instant> stops, java.util.Set<String> earlierTokens) {
        Map<String, CallbackLedger.Counts> callbacks = new java.util.HashMap<>(stack.callbacks().snapshot());
        callbacks.keySet().removeAll(earlierTokens);
        int completingTokens = 0;
        int completedTwice = 0;
        for (Map.Entry<String, CallbackLedger.Counts> token : callbacks.entrySet()) {
            if (token.getValue().acceptedCompletions() > 0) {
                completingTokens++;
            }
            if (token.getValue().completions() > 1 || token.getValue().acceptedCompletions() > 1) {
                completedTwice++;
                problems.add("token " + token.getKey().substring(0, 12) + "… got " + token.getValue());
            }
        }
        int succeeded = executions - (int) problems.stream().filter(p -> p.contains(" ended ")).count();
        int lost = (int) problems.stream().filter(p -> p.contains(" ended RUNNING")).count();
        if (completingTokens != executions) {
            problems.add(completingTokens + " task tokens were completed for " + executions + " executions");
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        double seconds = starts.isEmpty() ? 0 : Math.max(0.001,
                Duration.between(Collections.min(starts), Collections.max(stops)).toMillis() / 1000.0);
        return new Report(executions, succeeded, lost, completedTwice, completingTokens,
                seconds == 0 ? 0 : stops.size() / seconds, percentile(sorted, 50), percentile(sorted, 99),
                sorted.isEmpty() ? 0 : sorted.getLast(), List.copyOf(problems));
    }

    private static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** An SDK client of the local Step Functions endpoint, with the local stack's credentials. */
    static SfnClient client(String endpoint, String region) {
        return SfnClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalStack.LOCAL_CREDENTIAL, LocalStack.LOCAL_CREDENTIAL)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }
}
