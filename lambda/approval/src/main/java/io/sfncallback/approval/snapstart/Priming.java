package io.sfncallback.approval.snapstart;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.approval.aws.ApprovalClients;
import io.sfncallback.approval.config.ApprovalConfig;
import io.sfncallback.core.logging.DiscardingLogger;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.core.snapstart.CannedHttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.crac.Context;
import org.crac.Resource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * The SnapStart hook of an approval function: before Lambda snapshots the initialised function, run
 * what a first request runs, so that its classes are loaded and initialised in the snapshot.
 *
 * <p>Priming has no side effect: it builds its own service (the handler's own factory, from the
 * same configuration) whose SDK clients talk to a {@link CannedHttpClient} answering as
 * {@link CannedServices} does, and sign with fixed dummy credentials, so no request leaves the
 * function, no real credential is resolved into the snapshot and nothing is stored. Its log lines
 * are discarded; the hook writes one line saying what it did, or why it failed. A failure only
 * costs speed: it never stops the snapshot.
 * (<a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html">runtime hooks</a>)
 */
public abstract sealed class Priming implements Resource permits RequestPriming, PagePriming {

    static final StaticCredentialsProvider DUMMY_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"));
    static final JsonLog DISCARD = new JsonLog(DiscardingLogger.INSTANCE, LogLevel.FATAL, null, Clock.systemUTC());

    private final JsonLog log;
    private final SdkHttpClient http;

    /** @param http the priming's HTTP client; {@code null}: a {@link CannedHttpClient} over {@link CannedServices} */
    Priming(JsonLog log, SdkHttpClient http) {
        this.log = Objects.requireNonNull(log, "log");
        this.http = http;
    }

    @Override
    public final void beforeCheckpoint(Context<? extends Resource> context) {
        long started = System.nanoTime();
        try {
            List<String> outcomes = prime();
            log.at(LogLevel.INFO, "primed for snapshot")
                    .with("requests", outcomes.size())
                    .with("outcomes", String.join(",", outcomes))
                    .with("durationMs", (System.nanoTime() - started) / 1_000_000)
                    .write();
        } catch (RuntimeException | LinkageError e) {
            log.at(LogLevel.WARN, "priming failed").with("detail", e.toString()).write();
        }
    }

    @Override
    public final void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: priming left no connection, credential or cached time behind.
    }

    /** Runs the synthetic requests; returns each one's outcome, in order. */
    abstract List<String> prime();

    /** Clients for one priming run, with fresh canned services (their conditional writes start empty). */
    final ApprovalClients clients(ApprovalConfig config) {
        SdkHttpClient client = http != null ? http : new CannedHttpClient(new CannedServices(Clock.systemUTC()));
        return new ApprovalClients(config, client, DUMMY_CREDENTIALS);
    }

    /** The configuration with the priming's own approver, topic and link base, whatever the function's are. */
    static ApprovalConfig primingConfig(ApprovalConfig config) {
        return new ApprovalConfig(config.table(), "arn:aws:sns:" + config.region() + ":000000000000:priming",
                List.of(CannedServices.APPROVER), "https://priming.invalid", config.timeout(), config.retention(), null,
                config.maxAttempts(), config.callTimeout(), LogLevel.FATAL, config.region(), config.dynamodbEndpoint(),
                config.snsEndpoint(), config.sfnEndpoint());
    }
}
