package io.sfncallback.worker.batch;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.core.callback.CallbackResult;
import io.sfncallback.core.callback.TokenFingerprint;
import io.sfncallback.worker.callback.HeartbeatScheduler;
import io.sfncallback.worker.callback.RunningHeartbeat;
import io.sfncallback.worker.message.ParsedMessage;
import io.sfncallback.worker.message.TaskMessageParser;
import io.sfncallback.worker.message.UnusableMessage;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One SQS record from the moment its batch arrives until its final disposition.
 *
 * <p>{@link #receive} parses the body and, when it carries a token, starts the task's heartbeats at
 * once. The record's outcome is then settled exactly once, by whichever comes first: its work
 * ({@link RecordProcessor}), a heartbeat that finds the task closed before the work started, or the
 * batch's deadline. Settling writes the record's one log line; what follows (retry delay, end of the
 * heartbeats) is {@link Disposition}'s job.
 */
final class TrackedRecord {

    static final String RECEIVE_COUNT = "ApproximateReceiveCount";

    private enum Phase { WAITING, RUNNING, NOT_RUN }

    private final SQSMessage message;
    private final ParsedMessage parsed;
    private final int receiveCount;
    private final Invocation invocation;
    private final long receivedNanos = System.nanoTime();
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.WAITING);
    private final CompletableFuture<RecordOutcome> outcome = new CompletableFuture<>();
    private volatile RunningHeartbeat heartbeat;

    private TrackedRecord(SQSMessage message, ParsedMessage parsed, Invocation invocation) {
        this.message = Objects.requireNonNull(message, "message");
        this.parsed = Objects.requireNonNull(parsed, "parsed");
        this.invocation = Objects.requireNonNull(invocation, "invocation");
        this.receiveCount = receiveCount(message);
    }

    /**
     * A record as its batch arrives: heartbeats started when it has a token, settled at once as a
     * {@link Outcome#BAD_MESSAGE} when it has none (nobody can be told; the DLQ will take it).
     */
    static TrackedRecord receive(SQSMessage message, TaskMessageParser parser, HeartbeatScheduler heartbeats,
            Invocation invocation) {
        TrackedRecord record = new TrackedRecord(message, parser.parse(message.getBody()), invocation);
        String token = record.parsed.taskToken();
        if (token == null) {
            record.phase.set(Phase.NOT_RUN);
            record.settle(Settlement.of(Outcome.BAD_MESSAGE, ((UnusableMessage) record.parsed).reason()));
            return record;
        }
        // Started only once the record is fully built: the first heartbeat goes out at once, on another thread.
        record.heartbeat = heartbeats.start(token, record::logFailedHeartbeat);
        record.heartbeat.closure().thenAccept(record::closedWhileWaiting);
        return record;
    }

    ParsedMessage parsed() {
        return parsed;
    }

    int receiveCount() {
        return receiveCount;
    }

    String messageId() {
        return message.getMessageId();
    }

    /** The task's heartbeats; {@code null} for a record without a token, which is settled at receipt. */
    RunningHeartbeat heartbeat() {
        return heartbeat;
    }

    /** True while the record waits to be started. */
    boolean isWaiting() {
        return phase.get() == Phase.WAITING;
    }

    /** Claims the record for its work; false when it was settled without work in the meantime. */
    boolean start() {
        return phase.compareAndSet(Phase.WAITING, Phase.RUNNING);
    }

    /** Claims a record that never started, so that nothing starts it afterwards. */
    boolean claimUnstarted() {
        return phase.compareAndSet(Phase.WAITING, Phase.NOT_RUN);
    }

    /**
     * Settles the record's outcome and logs it, unless it was settled already.
     *
     * @return true when this call settled it
     */
    boolean settle(Settlement settlement) {
        RecordOutcome settled = new RecordOutcome(message.getMessageId(), message.getReceiptHandle(),
                settlement.outcome(), settlement.error(), settlement.detail());
        if (!outcome.complete(settled)) {
            return false;
        }
        log(settled);
        return true;
    }

    /** Completes when the outcome is settled. */
    CompletionStage<RecordOutcome> outcome() {
        return outcome.minimalCompletionStage();
    }

    /** The settled outcome; only called once every record of the batch is settled. */
    RecordOutcome settledOutcome() {
        RecordOutcome settled = outcome.getNow(null);
        if (settled == null) {
            throw new IllegalStateException("record " + message.getMessageId() + " was never settled");
        }
        return settled;
    }

    /** Ends the heartbeats, if any: the record's final disposition. */
    void closeHeartbeat() {
        if (heartbeat != null) {
            heartbeat.close();
        }
    }

    private void closedWhileWaiting(CallbackResult answer) {
        if (claimUnstarted()) {
            settle(Settlement.closedBeforeWork(answer));
        }
    }

    private void log(RecordOutcome settled) {
        invocation.log().at(settled.outcome().logLevel(), "record " + settled.outcome().name().toLowerCase(Locale.ROOT))
                .with("messageId", settled.messageId())
                .with("executionArn", parsed.executionArn())
                .with("token", TokenFingerprint.of(parsed.taskToken()))
                .with("outcome", settled.outcome().name())
                .with("redeliver", settled.redeliver())
                .with("receiveCount", receiveCount)
                .with("durationMs", (System.nanoTime() - receivedNanos) / 1_000_000)
                .with("error", settled.error())
                .with("detail", settled.detail())
                .write();
    }

    /** An answer that closes the task is reported once, by the record's outcome line; only failed heartbeats get a line here. */
    private void logFailedHeartbeat(CallbackResult answer) {
        invocation.log().at(LogLevel.WARN, "heartbeat not delivered")
                .with("messageId", message.getMessageId())
                .with("executionArn", parsed.executionArn())
                .with("token", TokenFingerprint.of(parsed.taskToken()))
                .with("detail", answer instanceof CallbackResult.Unavailable unavailable ? unavailable.description() : answer.toString())
                .write();
    }

    static int receiveCount(SQSMessage message) {
        Map<String, String> attributes = message.getAttributes();
        String raw = attributes == null ? null : attributes.get(RECEIVE_COUNT);
        if (raw == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(raw.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
