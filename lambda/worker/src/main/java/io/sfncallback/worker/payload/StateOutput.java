package io.sfncallback.worker.payload;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.sfncallback.core.callback.Text;

/**
 * What the waiting task state's output will be once the worker answers, and whether it fits Step
 * Functions' payload quota.
 *
 * <p>The task state stores the worker's output with {@code "ResultPath": "$.result"}: the state's
 * output is its input object with {@code result} set to that output (replacing a {@code result}
 * the input already had). Two things can then end the execution after the work is done, where no
 * Catch helps:
 * <ul>
 *   <li>a state output over 262,144 bytes of UTF-8 is {@code States.DataLimitExceeded}
 *       (<a href="https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html">quotas:
 *       maximum input or output size for a task, state, or execution</a>), a terminal error that
 *       {@code States.ALL} does not catch
 *       (<a href="https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html">error
 *       handling: States.DataLimitExceeded</a>);</li>
 *   <li>an input that is not a JSON object has nowhere to put {@code result}: the state fails with
 *       {@code States.Runtime}, which {@code States.ALL} does not catch either.</li>
 * </ul>
 * The worker checks both before it calls back (and what it can before it runs the processor) so
 * that it can fail the task with a catchable error instead.
 *
 * <p>Sizes are those of the compact JSON text of the data (no whitespace), counted in UTF-8 bytes.
 */
public final class StateOutput {

    /** The member the state machine's ResultPath writes the worker's output to. */
    public static final String RESULT_FIELD = "result";

    /** Step Functions' payload quota: 256 KiB of UTF-8. */
    public static final long MAX_BYTES = 262_144;

    /** The shortest output a processor can produce: one digit. */
    static final long SMALLEST_RESULT_BYTES = 1;

    /** {@code "result":}, the member name and colon the result is written after. */
    private static final long RESULT_MEMBER_PREFIX_BYTES = RESULT_FIELD.length() + 3;

    /** Whether a task input can take a result at all; see {@link #admit}. */
    public sealed interface Admission {
    }

    /** The input is an object with room for at least the smallest result. */
    public record Admitted(StateOutput output) implements Admission {
    }

    /** The input is not a JSON object; {@code found} names what it is ("a JSON array", "JSON null", …). */
    public record NotAnObject(String found) implements Admission {
    }

    /** Even the smallest result would make the state output exceed the quota. */
    public record NoRoom(long inputBytes, long smallestStateOutputBytes) implements Admission {
    }

    private final long inputBytes;
    private final long bytesBesideResult;

    private StateOutput(long inputBytes, long bytesBesideResult) {
        this.inputBytes = inputBytes;
        this.bytesBesideResult = bytesBesideResult;
    }

    /** Checks a task input against what ResultPath {@code $.result} and the payload quota need. */
    public static Admission admit(JsonElement input) {
        if (input == null || !input.isJsonObject()) {
            return new NotAnObject(describe(input));
        }
        JsonObject object = input.getAsJsonObject();
        long inputBytes = Text.utf8Length(object.toString());
        long withoutResult = inputBytes;
        int otherMembers = object.size();
        JsonElement previous = object.get(RESULT_FIELD);
        if (previous != null) {
            otherMembers--;
            withoutResult -= RESULT_MEMBER_PREFIX_BYTES + Text.utf8Length(previous.toString()) + (otherMembers > 0 ? 1 : 0);
        }
        // The result member, and the comma that separates it from the other members, if any.
        StateOutput output = new StateOutput(inputBytes, withoutResult + RESULT_MEMBER_PREFIX_BYTES + (otherMembers > 0 ? 1 : 0));
        long smallest = output.bytesWithResult(SMALLEST_RESULT_BYTES);
        return smallest > MAX_BYTES ? new NoRoom(inputBytes, smallest) : new Admitted(output);
    }

    /** The size of the input, as compact JSON. */
    public long inputBytes() {
        return inputBytes;
    }

    /** The size of the state output when the worker's output is {@code resultBytes} of compact JSON. */
    public long bytesWithResult(long resultBytes) {
        return bytesBesideResult + resultBytes;
    }

    /** The largest worker output, in bytes, that keeps the state output within the quota. */
    public long roomForResult() {
        return MAX_BYTES - bytesBesideResult;
    }

    private static String describe(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            return "JSON null";
        }
        if (value.isJsonArray()) {
            return "a JSON array";
        }
        if (value.getAsJsonPrimitive().isString()) {
            return "a JSON string";
        }
        if (value.getAsJsonPrimitive().isNumber()) {
            return "a JSON number";
        }
        return "a JSON boolean";
    }
}
