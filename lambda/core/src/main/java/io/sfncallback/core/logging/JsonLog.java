package io.sfncallback.core.logging;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.LambdaRuntime;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.time.Clock;
import java.util.Objects;

/**
 * Structured logging: one JSON object per line, written through the Lambda logger.
 *
 * <p>Lines go out with {@link LambdaLogger#log(byte[], LogLevel)}, which the Java runtime passes
 * through unchanged, so with the function's log format set to JSON each line is already the JSON
 * object CloudWatch stores, with {@code timestamp}, {@code level} and {@code message} where
 * Lambda's own lines have them, and the level filter of {@code application_log_level} still
 * applies. The same level filter is applied here first, so a line below the level (the input, at
 * DEBUG) is never even built.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class JsonLog {

    private final LambdaLogger sink;
    private final LogLevel minLevel;
    private final String requestId;
    private final Clock clock;

    public JsonLog(LambdaLogger sink, LogLevel minLevel, String requestId, Clock clock) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.minLevel = Objects.requireNonNull(minLevel, "minLevel");
        this.requestId = requestId;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The same log for another invocation. */
    public JsonLog forRequest(LambdaLogger invocationSink, String invocationRequestId) {
        return new JsonLog(invocationSink, minLevel, invocationRequestId, clock);
    }

    /**
     * The same log for the invocation of {@code context}: its logger (the runtime's when the context has none)
     * and its request id; this log itself without a context.
     */
    public JsonLog forInvocation(Context context) {
        if (context == null) {
            return this;
        }
        return forRequest(context.getLogger() == null ? LambdaRuntime.getLogger() : context.getLogger(),
                context.getAwsRequestId());
    }

    public boolean enabled(LogLevel level) {
        return level.ordinal() >= minLevel.ordinal();
    }

    /** Starts a line; {@link LogLine#write()} sends it. Below the level this is a no-op line. */
    public LogLine at(LogLevel level, String message) {
        if (!enabled(level)) {
            return LogLine.DISABLED;
        }
        return new LogLine(this, level, message);
    }

    void emit(LogLevel level, byte[] line) {
        sink.log(line, level);
    }

    String requestId() {
        return requestId;
    }

    Clock clock() {
        return clock;
    }
}
