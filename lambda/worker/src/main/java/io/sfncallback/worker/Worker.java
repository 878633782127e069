package io.sfncallback.worker;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonObject;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.worker.aws.AwsClients;
import io.sfncallback.worker.batch.BatchProcessor;
import io.sfncallback.worker.batch.Invocation;
import io.sfncallback.worker.batch.Outcome;
import io.sfncallback.worker.batch.RecordOutcome;
import io.sfncallback.worker.batch.RecordProcessor;
import io.sfncallback.worker.callback.HeartbeatScheduler;
import io.sfncallback.worker.config.WorkerConfig;
import io.sfncallback.worker.message.TaskMessageParser;
import io.sfncallback.worker.processor.ProcessorLoader;
import io.sfncallback.worker.processor.TaskProcessor;
import io.sfncallback.worker.retry.RetryDelay;
import io.sfncallback.worker.retry.SqsVisibility;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The worker, wired: everything the handler needs, built once from a {@link WorkerConfig}.
 *
 * <p>This is the composition root. The handler builds one at class initialisation (so a SnapStart
 * snapshot contains it) and hands it each batch.
 */
public final class Worker implements AutoCloseable {

    /**
     * SendTaskHeartbeat calls in flight at once: a batch's first heartbeats go out this many at a
     * time (see {@link HeartbeatScheduler} for the quota this keeps the burst well within).
     */
    static final int HEARTBEATS_IN_FLIGHT = 10;

    private final WorkerConfig config;
    private final JsonLog log;
    private final ExecutorService workers;
    private final ThreadPoolExecutor heartbeatSenders;
    private final ScheduledThreadPoolExecutor ticker;
    private final BatchProcessor batch;

    /** The worker as deployed: clients, processor and log as configured. */
    public static Worker create(WorkerConfig config, LambdaLogger initLogger) {
        AwsClients clients = new AwsClients(config);
        TaskProcessor processor = ProcessorLoader.load(config.processorClass(), Worker.class.getClassLoader());
        return new Worker(config, processor, clients.stepFunctions(), clients::sqs,
                new JsonLog(initLogger, config.logLevel(), null, Clock.systemUTC()));
    }

    public Worker(WorkerConfig config, TaskProcessor processor, SfnClient sfn, Supplier<SqsVisibility> sqs, JsonLog log) {
        this.config = Objects.requireNonNull(config, "config");
        this.log = Objects.requireNonNull(log, "log");
        this.workers = Executors.newCachedThreadPool(daemonThreads("callback-worker-"));
        this.heartbeatSenders = new ThreadPoolExecutor(HEARTBEATS_IN_FLIGHT, HEARTBEATS_IN_FLIGHT, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("callback-heartbeat-"));
        this.heartbeatSenders.allowCoreThreadTimeOut(true);
        this.ticker = new ScheduledThreadPoolExecutor(1, daemonThreads("callback-heartbeat-ticker-"));
        this.ticker.setRemoveOnCancelPolicy(true);
        TaskCallbacks callbacks = new TaskCallbacks(sfn);
        HeartbeatScheduler heartbeats = new HeartbeatScheduler(callbacks, ticker, heartbeatSenders, config.heartbeatInterval());
        RecordProcessor records = new RecordProcessor(processor, callbacks, config.maxReceiveCount(),
                config.approvalEnabled());
        RetryDelay retryDelay = new RetryDelay(config.tasksQueueUrl(), config.retryDelay(), sqs, workers);
        this.batch = new BatchProcessor(new TaskMessageParser(), heartbeats, records, retryDelay, workers,
                config.maxConcurrentRecords());
    }

    public JsonLog log() {
        return log;
    }

    public WorkerConfig config() {
        return config;
    }

    /** Processes a batch and names the records SQS must deliver again. */
    public SQSBatchResponse handle(List<SQSMessage> messages, Invocation invocation) {
        return response(process(messages, invocation));
    }

    /** Processes a batch: one outcome per message, in order, with retry delays set on the failures. */
    public List<RecordOutcome> process(List<SQSMessage> messages, Invocation invocation) {
        long started = System.nanoTime();
        List<RecordOutcome> outcomes = batch.process(messages, invocation);
        long failures = outcomes.stream().filter(RecordOutcome::redeliver).count();
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        outcomes.forEach(o -> counts.merge(o.outcome(), 1, Integer::sum));
        JsonObject perOutcome = new JsonObject();
        counts.forEach((outcome, count) -> perOutcome.addProperty(outcome.name(), count));
        invocation.log().at(LogLevel.INFO, "batch done")
                .with("records", messages.size())
                .with("batchItemFailures", failures)
                .with("outcomes", perOutcome)
                .with("durationMs", (System.nanoTime() - started) / 1_000_000)
                .write();
        return outcomes;
    }

    /** The batch response for {@code outcomes}: a batch item failure for each record to deliver again. */
    public static SQSBatchResponse response(List<RecordOutcome> outcomes) {
        return new SQSBatchResponse(outcomes.stream()
                .filter(RecordOutcome::redeliver)
                .map(f -> new SQSBatchResponse.BatchItemFailure(f.messageId()))
                .toList());
    }

    /** Stops the worker's threads; only needed by short-lived workers such as the priming one. */
    @Override
    public void close() {
        ticker.shutdownNow();
        heartbeatSenders.shutdownNow();
        workers.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
