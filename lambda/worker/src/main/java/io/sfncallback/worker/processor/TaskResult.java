package io.sfncallback.worker.processor;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.sfncallback.core.approval.ApprovalRequests;
import io.sfncallback.core.approval.ReadableText;
import java.util.Objects;

/** What a {@link TaskProcessor} decided about one task. */
public sealed interface TaskResult {

    /**
     * The member of a completed task's output that asks for a person's approval: the state machine
     * routes on {@code $.result.approvalRequest} being present. See {@link #requestApproval}.
     */
    String APPROVAL_REQUEST = ApprovalRequests.MEMBER;

    /** The longest approval summary, in characters (Unicode code points). */
    int MAX_APPROVAL_SUMMARY_LENGTH = ApprovalRequests.MAX_SUMMARY_LENGTH;

    /** The task succeeded; {@code output} is sent with SendTaskSuccess (at most 256 KiB of UTF-8 JSON). */
    record Completed(JsonElement output) implements TaskResult {
        public Completed {
            output = output == null ? JsonNull.INSTANCE : output;
        }
    }

    /**
     * The task failed for a business reason; sent with SendTaskFailure. Step Functions accepts an
     * error of at most 256 and a cause of at most 32,768 characters: longer ones are truncated.
     */
    record Rejected(String error, String cause) implements TaskResult {
        public Rejected {
            Objects.requireNonNull(error, "error");
            cause = cause == null ? "" : cause;
        }
    }

    /** The work hit a transient problem and should be tried again from a redelivered message. */
    record RetryLater(String reason) implements TaskResult {
        public RetryLater {
            reason = reason == null ? "" : reason;
        }
    }

    static TaskResult complete(JsonElement output) {
        return new Completed(output);
    }

    /**
     * The task succeeded, and the execution is to wait for a person's approval before it goes on.
     *
     * <p>The result is {@link Completed} with a copy of {@code output} that has one more member,
     * {@code "approvalRequest": {"summary": summary}}; the state machine finds it at
     * {@code $.result.approvalRequest} and sends the request to the approvers, who are shown the
     * summary. Everything else works as with {@link #complete}, size limits included.
     *
     * @param output  the task's output; {@code null} counts as {@code {}}; it is not modified
     * @param summary what the approver reads: not blank, at most {@value #MAX_APPROVAL_SUMMARY_LENGTH}
     *                characters (code points); shown as text, never as HTML
     * @throws IllegalArgumentException when the summary is null, blank or too long, holds a character
     *     that hides itself or changes how others show ({@link ReadableText}: a bidi override, a
     *     zero-width space, a control character other than tab and line breaks, ...), or when
     *     {@code output} already has an {@code approvalRequest} member. Thrown out of
     *     {@link TaskProcessor#process}, it fails the task with {@code Worker.Unhandled} and this
     *     message as the cause: no execution waits for an approval nobody could read.
     */
    static TaskResult requestApproval(JsonObject output, String summary) {
        if (summary == null || summary.isBlank()) {
            throw new IllegalArgumentException("an approval request needs a summary to show the approver; it is "
                    + (summary == null ? "null" : "blank"));
        }
        int length = summary.codePointCount(0, summary.length());
        if (length > MAX_APPROVAL_SUMMARY_LENGTH) {
            throw new IllegalArgumentException("an approval summary has at most " + MAX_APPROVAL_SUMMARY_LENGTH
                    + " characters; this one has " + length);
        }
        // The approval task refuses the same characters (ReadableText): refusing them here fails the
        // processor's own task, with the processor's stack trace, instead of the approval later.
        ReadableText.refusal("an approval summary", summary).ifPresent(refusal -> {
            throw new IllegalArgumentException(refusal);
        });
        JsonObject withRequest = new JsonObject();
        if (output != null) {
            if (output.has(APPROVAL_REQUEST)) {
                throw new IllegalArgumentException("the output already has an " + APPROVAL_REQUEST
                        + " member; requestApproval adds it");
            }
            output.entrySet().forEach(member -> withRequest.add(member.getKey(), member.getValue()));
        }
        JsonObject request = new JsonObject();
        request.addProperty("summary", summary);
        withRequest.add(APPROVAL_REQUEST, request);
        return new Completed(withRequest);
    }

    static TaskResult reject(String error, String cause) {
        return new Rejected(error, cause);
    }

    static TaskResult retryLater(String reason) {
        return new RetryLater(reason);
    }
}
