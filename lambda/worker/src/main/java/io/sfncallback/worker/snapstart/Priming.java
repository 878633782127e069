package io.sfncallback.worker.snapstart;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.core.logging.DiscardingLogger;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.core.snapstart.CannedHttpClient.Answer;
import io.sfncallback.core.snapstart.CannedHttpClient;
import io.sfncallback.worker.Worker;
import io.sfncallback.worker.aws.AwsClients;
import io.sfncallback.worker.batch.Deadline;
import io.sfncallback.worker.batch.Invocation;
import io.sfncallback.worker.batch.RecordOutcome;
import io.sfncallback.worker.config.WorkerConfig;
import io.sfncallback.worker.processor.TaskContext;
import io.sfncallback.worker.processor.TaskResult;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.crac.Context;
import org.crac.Resource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The SnapStart hook: before Lambda snapshots the initialised function, run the whole hot path once
 * so that its classes are loaded and initialised in the snapshot.
 *
 * <p>Priming has no side effect: a separate worker, built from the same configuration, processes a
 * small synthetic batch through the real parser, record and batch processors, retry delay and SDK
 * clients (marshalling, signing, response and error parsing), but its clients talk to
 * {@link CannedHttpClient} instead of the network and sign with fixed dummy credentials, so no
 * request leaves the function, no real credential is resolved into the snapshot, and the user's
 * processor is not called. Its log lines are discarded.
 * (<a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html">runtime hooks</a>)
 */
public final class Priming implements Resource {

    static final String CLOSED_TOKEN = "priming-closed-token";

    private final WorkerConfig config;
    private final JsonLog log;

    public Priming(WorkerConfig config, JsonLog log) {
        this.config = Objects.requireNonNull(config, "config");
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long started = System.nanoTime();
        try {
            List<RecordOutcome> outcomes = prime();
            log.at(LogLevel.INFO, "primed for snapshot")
                    .with("records", outcomes.size())
                    .with("durationMs", (System.nanoTime() - started) / 1_000_000)
                    .write();
        } catch (RuntimeException | LinkageError e) {
            // A failed priming only costs speed; it must never stop the snapshot.
            log.at(LogLevel.WARN, "priming failed").with("detail", e.toString()).write();
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: priming left no connection, credential or cached time behind.
    }

    /** Runs the synthetic batch: one record for each way a record can end, all without a network. */
    List<RecordOutcome> prime() {
        WorkerConfig primingConfig = new WorkerConfig(config.heartbeatInterval(), config.maxReceiveCount(), config.retryDelay(),
                "https://sqs." + config.region() + ".amazonaws.com/000000000000/priming", config.maxConcurrentRecords(),
                config.deadlineMargin(), config.processorClass(), 1, config.sfnCallTimeout(), config.httpClient(),
                LogLevel.FATAL, config.region(), config.sfnEndpoint(), config.sqsEndpoint(), config.approvalEnabled());
        AwsClients clients = new AwsClients(primingConfig, new CannedHttpClient(Priming::awsAnswer),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")));
        JsonLog discard = new JsonLog(DiscardingLogger.INSTANCE, LogLevel.FATAL, null, Clock.systemUTC());
        List<SQSMessage> batch = List.of(
                message("1", "{\"TaskToken\":\"priming-token-1\",\"ExecutionArn\":\"priming\",\"Input\":{\"mode\":\"succeed\"}}"),
                message("2", "{\"TaskToken\":\"priming-token-2\",\"Input\":{\"mode\":\"reject\"}}"),
                message("3", "{\"TaskToken\":\"priming-token-3\",\"Input\":{\"mode\":\"retry\"}}"),
                message("4", "{\"TaskToken\":\"" + CLOSED_TOKEN + "\"}"),
                message("5", "not json"));
        try (Worker worker = new Worker(primingConfig, Priming::answer, clients.stepFunctions(), clients::sqs, discard)) {
            return worker.process(batch, new Invocation(Deadline.none(), discard));
        }
    }

    /** Every call succeeds with an empty answer, except those for {@link #CLOSED_TOKEN}: Step Functions' TaskTimedOut. */
    private static Answer awsAnswer(CannedHttpClient.Request request) {
        return request.body().contains(CLOSED_TOKEN)
                ? Answer.jsonError(400, "TaskTimedOut", "Task Timed Out")
                : Answer.json("{}");
    }

    /** A side-effect-free stand-in for the user's processor that takes each kind of result. */
    private static TaskResult answer(TaskContext context) {
        String mode = context.input().isJsonObject() && context.input().getAsJsonObject().has("mode")
                ? context.input().getAsJsonObject().get("mode").getAsString() : "succeed";
        return switch (mode) {
            case "reject" -> TaskResult.reject("Priming.Rejected", "priming");
            case "retry" -> TaskResult.retryLater("priming");
            default -> TaskResult.complete(context.input());
        };
    }

    private static SQSMessage message(String id, String body) {
        SQSMessage message = new SQSMessage();
        message.setMessageId("priming-" + id);
        message.setReceiptHandle("priming-receipt-" + id);
        message.setBody(body);
        message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        return message;
    }
}
