package io.sfncallback.local.load;

import io.sfncallback.local.LocalStack;
import io.sfncallback.local.config.LocalStackConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A burst larger than the worker's in-flight capacity, with slow tasks: what happens to the tasks that wait in the
 * queue.
 *
 * <p>The event source mapping holds at most {@code max_concurrency × batch_size} records at once, and the worker
 * heartbeats every record it holds from the moment its batch arrives. A message still in the queue is held by
 * nobody: no heartbeat reaches its task, whose heartbeat clock started when Step Functions sent the message. With
 * tasks of {@code T} seconds, waves of {@code capacity} records go through every {@code T} seconds, so the record
 * in wave {@code w} (from 0) waits about {@code w × T} seconds before its first heartbeat. Waves that wait
 * {@code HeartbeatSeconds} or more fail with {@code Task.NoHeartbeat}: visibly, nothing is lost, and their messages
 * are then drained quickly (the first heartbeat is answered TaskTimedOut and the record is dropped). A wave must
 * start before HeartbeatSeconds runs out, and each wave takes a little longer than {@code T} (callbacks, the poll),
 * so the README's sizing rule keeps to whole waves: a burst of at most {@code capacity × floor(HeartbeatSeconds / T)}
 * fully succeeds. A standard queue does not keep order, so waves by start order are approximate.
 *
 * <p>The run starts the burst, waits for every execution to end, and reports per wave; it fails (problems) when
 * an execution is lost, ends any other way than SUCCEEDED or {@code Task.NoHeartbeat}, or a message is left in a
 * queue.
 */
public final class BurstRun {

    /** One wave of the burst: executions in start order, {@code capacity} per wave. */
    public record Wave(int wave, int executions, int succeeded, int noHeartbeat, int other) {
    }

    /** What a run found. */
    public record Report(int executions, int capacity, int taskSeconds, int heartbeatSeconds, int predictedSafeBurst,
            int succeeded, int noHeartbeat, int other, int firstFailedWave, long seconds, List<Wave> waves,
            List<String> problems) {

        public String summary() {
            return String.format(Locale.ROOT,
                    "%d executions of %d s tasks, capacity %d records, HeartbeatSeconds %d: %d succeeded, "
                            + "%d failed Task.NoHeartbeat, %d ended otherwise; predicted largest safe burst %d; "
                            + "all ended in %d s",
                    executions, taskSeconds, capacity, heartbeatSeconds, succeeded, noHeartbeat, other,
                    predictedSafeBurst, seconds);
        }
    }

    private final LocalStack stack;
    private final Consumer<String> progress;

    public BurstRun(LocalStack stack, Consumer<String> progress) {
        this.stack = stack;
        this.progress = progress;
    }

    /** The in-flight capacity the configuration gives: records the mapping hands out at once. */
    public static int capacity(LocalStackConfig config) {
        return config.maxConcurrency() * config.batchSize();
    }

    /** The README's sizing rule: the largest burst of {@code taskSeconds}-second tasks that fully succeeds. */
    public static int safeBurst(int capacity, int taskSeconds, int heartbeatSeconds) {
        return capacity * (heartbeatSeconds / Math.max(1, taskSeconds));
    }

    public Report run(int executions, int taskSeconds, Duration timeout) throws InterruptedException {
        LocalStackConfig config = stack.config();
        int capacity = capacity(config);
        if (config.maxConcurrentRecords() < config.batchSize()) {
            progress.accept("note: max_concurrent_records " + config.maxConcurrentRecords() + " < batch_size "
                    + config.batchSize() + ": a batch takes longer than one task, the prediction is optimistic");
        }
        long started = System.nanoTime();
        List<String> arns = new ArrayList<>();
        try (SfnClient sfn = LoadRun.client(stack.sfnEndpoint(), config.region())) {
            progress.accept("starting a burst of " + executions + " executions of " + taskSeconds + " s tasks");
            for (int i = 0; i < executions; i++) {
                int number = i;
                arns.add(sfn.startExecution(b -> b.stateMachineArn(stack.stateMachineArn())
                        .name("burst-" + number + "-" + System.nanoTime())
                        .input("{\"mode\":\"slow\",\"seconds\":" + taskSeconds + ",\"n\":" + number + "}"))
                        .executionArn());
            }
            awaitEnd(sfn, arns, timeout);
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

            List<String> problems = new ArrayList<>();
            Map<Integer, int[]> perWave = new TreeMap<>();
            for (int i = 0; i < arns.size(); i++) {
                String arn = arns.get(i);
                DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(arn));
                int[] counts = perWave.computeIfAbsent(i / capacity, w -> new int[3]);
                if (execution.status() == ExecutionStatus.SUCCEEDED) {
                    counts[0]++;
                } else if (execution.status() == ExecutionStatus.FAILED && "Task.NoHeartbeat".equals(execution.error())) {
                    counts[1]++;
                } else {
                    counts[2]++;
                    problems.add("execution " + i + " ended " + execution.status() + " " + execution.error() + ": "
                            + execution.cause());
                }
            }
            int promised = Math.min(executions, safeBurst(capacity, taskSeconds, config.taskHeartbeatSeconds()));
            int succeeded = perWave.values().stream().mapToInt(c -> c[0]).sum();
            if (succeeded < promised) {
                problems.add(succeeded + " executions succeeded, fewer than the " + promised
                        + " the sizing rule promises");
            }
            try (SqsClient sqs = LocalStack.sqsClient(stack.sqsEndpoint(), config.region())) {
                leftInQueue(sqs, "tasks", stack.queues().tasksQueueUrl(), problems);
                leftInQueue(sqs, "dead-letter", stack.queues().deadLetterQueueUrl(), problems);
            }
            return report(executions, capacity, taskSeconds, config.taskHeartbeatSeconds(), seconds, perWave, problems);
        }
    }

    private static Report report(int executions, int capacity, int taskSeconds, int heartbeatSeconds, long seconds,
            Map<Integer, int[]> perWave, List<String> problems) {
        List<Wave> waves = new ArrayList<>();
        int succeeded = 0;
        int noHeartbeat = 0;
        int other = 0;
        int firstFailedWave = -1;
        for (Map.Entry<Integer, int[]> entry : perWave.entrySet()) {
            int[] c = entry.getValue();
            waves.add(new Wave(entry.getKey(), c[0] + c[1] + c[2], c[0], c[1], c[2]));
            succeeded += c[0];
            noHeartbeat += c[1];
            other += c[2];
            if (firstFailedWave < 0 && c[1] > 0) {
                firstFailedWave = entry.getKey();
            }
        }
        return new Report(executions, capacity, taskSeconds, heartbeatSeconds,
                safeBurst(capacity, taskSeconds, heartbeatSeconds), succeeded, noHeartbeat, other, firstFailedWave,
                seconds, List.copyOf(waves), List.copyOf(problems));
    }

    private void awaitEnd(SfnClient sfn, List<String> arns, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextNote = 0;
        while (true) {
            long running = arns.stream()
                    .filter(arn -> sfn.describeExecution(b -> b.executionArn(arn)).status() == ExecutionStatus.RUNNING)
                    .count();
            if (running == 0 || System.nanoTime() > deadline) {
                if (running > 0) {
                    progress.accept(running + " executions still running at the timeout");
                }
                return;
            }
            if (System.nanoTime() > nextNote) {
                progress.accept(running + " of " + arns.size() + " executions running");
                nextNote = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            }
            Thread.sleep(500);
        }
    }

    private static void leftInQueue(SqsClient sqs, String name, String queueUrl, List<String> problems) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        long left = attributes.values().stream().mapToLong(Long::parseLong).sum();
        if (left > 0) {
            problems.add(left + " messages left in the " + name + " queue");
        }
    }
}
