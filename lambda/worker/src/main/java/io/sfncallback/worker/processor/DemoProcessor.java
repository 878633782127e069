package io.sfncallback.worker.processor;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.time.Duration;
import java.util.Locale;

/**
 * The processor shipped with the project: it shows every path of the worker, chosen by the
 * execution input alone, so each can be seen on a deployed stack with the AWS CLI.
 *
 * <table>
 *   <caption>Demo inputs</caption>
 *   <tr><th>input</th><th>result</th></tr>
 *   <tr><td>no {@code mode}, or {@code "succeed"}</td><td>success with {@code status, mode, attempt, echo}</td></tr>
 *   <tr><td>{@code "reject"} (+ {@code error}, {@code reason})</td><td>rejected: {@code Demo.Rejected} by default</td></tr>
 *   <tr><td>{@code "slow"} + {@code seconds}</td><td>works that long while heartbeats keep the task alive, then succeeds</td></tr>
 *   <tr><td>{@code "hang"} + {@code seconds}</td><td>stops heartbeats and stays silent that long, then answers late</td></tr>
 *   <tr><td>{@code "crash"}</td><td>throws: {@code Worker.Unhandled}</td></tr>
 *   <tr><td>{@code "retry"} (+ {@code succeedOnAttempt})</td><td>asks for retries until that receive, or until they run out</td></tr>
 *   <tr><td>{@code "oversize"} (+ {@code bytes})</td><td>returns more than Step Functions accepts: {@code Worker.OutputTooLarge}</td></tr>
 *   <tr><td>{@code "approval"} + {@code summary}</td><td>succeeds and asks for a person's approval
 *       ({@link TaskResult#requestApproval}); without a usable summary: {@code Demo.InvalidApprovalRequest}</td></tr>
 * </table>
 */
public final class DemoProcessor implements TaskProcessor {

    static final String REJECTED = "Demo.Rejected";
    static final String UNKNOWN_MODE = "Demo.UnknownMode";
    static final String INVALID_APPROVAL_REQUEST = "Demo.InvalidApprovalRequest";
    static final int DEFAULT_SLOW_SECONDS = 5;
    static final int DEFAULT_OVERSIZE_BYTES = 300_000;
    private static final Duration TICK = Duration.ofMillis(100);

    @Override
    public TaskResult process(TaskContext context) throws InterruptedException {
        JsonObject input = context.input().isJsonObject() ? context.input().getAsJsonObject() : new JsonObject();
        String mode = text(input, "mode", "succeed").toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "succeed" -> done(mode, context);
            case "reject" -> TaskResult.reject(
                    text(input, "error", REJECTED),
                    text(input, "reason", "the demo processor was asked to reject this task"));
            case "slow" -> {
                work(context, seconds(input, DEFAULT_SLOW_SECONDS));
                yield done(mode, context);
            }
            case "hang" -> {
                context.heartbeat().stop();
                work(context, seconds(input, DEFAULT_SLOW_SECONDS));
                yield done(mode, context);
            }
            case "crash" -> throw new IllegalStateException("demo crash requested");
            case "retry" -> {
                int succeedOn = number(input, "succeedOnAttempt", Integer.MAX_VALUE);
                yield context.receiveCount() >= succeedOn
                        ? done(mode, context)
                        : TaskResult.retryLater("demo retry requested on attempt " + context.receiveCount());
            }
            case "oversize" -> {
                JsonObject output = new JsonObject();
                output.addProperty("status", "done");
                output.addProperty("blob", "x".repeat(Math.max(0, number(input, "bytes", DEFAULT_OVERSIZE_BYTES))));
                yield TaskResult.complete(output);
            }
            case "approval" -> approval(input, context);
            default -> TaskResult.reject(UNKNOWN_MODE,
                    "unknown mode '" + mode + "'; use succeed, reject, slow, hang, crash, retry, oversize or approval");
        };
    }

    /** Succeeds with an approval request whose summary is the input's {@code summary}. */
    private static TaskResult approval(JsonObject input, TaskContext context) {
        JsonElement summary = input.get("summary");
        if (!(summary instanceof JsonPrimitive primitive && primitive.isString())) {
            return TaskResult.reject(INVALID_APPROVAL_REQUEST,
                    "mode approval needs a summary: a string shown to the approver, e.g. {\"mode\":\"approval\",\"summary\":\"Refund order 42\"}");
        }
        try {
            return TaskResult.requestApproval(doneOutput("approval", context), primitive.getAsString());
        } catch (IllegalArgumentException e) {
            return TaskResult.reject(INVALID_APPROVAL_REQUEST, e.getMessage());
        }
    }

    private static TaskResult done(String mode, TaskContext context) {
        return TaskResult.complete(doneOutput(mode, context));
    }

    private static JsonObject doneOutput(String mode, TaskContext context) {
        JsonObject output = new JsonObject();
        output.addProperty("status", "done");
        output.addProperty("mode", mode);
        output.addProperty("attempt", context.receiveCount());
        output.add("echo", context.input());
        return output;
    }

    /** Sleeps in short ticks so that a closed task or an interrupt stops the work promptly. */
    private static void work(TaskContext context, int seconds) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            if (context.heartbeat().isTaskClosed()) {
                return;
            }
            Thread.sleep(Math.min(TICK.toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    private static int seconds(JsonObject input, int defaultValue) {
        return Math.max(0, number(input, "seconds", defaultValue));
    }

    private static String text(JsonObject input, String name, String defaultValue) {
        JsonElement value = input.get(name);
        return value instanceof JsonPrimitive primitive && primitive.isString() ? primitive.getAsString() : defaultValue;
    }

    private static int number(JsonObject input, String name, int defaultValue) {
        JsonElement value = input.get(name);
        if (value instanceof JsonPrimitive primitive && primitive.isNumber()) {
            double d = primitive.getAsDouble();
            return d >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.max(Integer.MIN_VALUE, d);
        }
        return defaultValue;
    }
}
