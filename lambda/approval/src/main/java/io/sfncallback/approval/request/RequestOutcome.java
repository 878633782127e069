package io.sfncallback.approval.request;

import com.google.gson.JsonObject;
import java.time.Instant;

/**
 * What the request handler did, returned to Step Functions (it is recorded in the execution's
 * history, so it holds no token and no link).
 *
 * @param outcome   what happened
 * @param requestId the request's id, or {@code null} when no request was made
 * @param approvers how many approvers the request has
 * @param sent      how many e-mails this invocation sent
 * @param expiresAt the request's expiry, or {@code null}
 */
public record RequestOutcome(Kind outcome, String requestId, int approvers, int sent, Instant expiresAt) {

    public enum Kind {
        /** E-mails went out (this invocation sent {@code sent} of them; a retry may have sent others before). */
        SENT,
        /** A retry found every e-mail already sent. */
        ALREADY_SENT,
        /** A retry found the request already decided, being decided, closed or expired: nothing more to send. */
        ALREADY_DONE,
        /** The request was invalid; the task was failed with {@code Approval.InvalidRequest}. */
        INVALID_REQUEST,
        /** No approvers are configured; the task was failed with {@code Approval.NoApprovers}. */
        NO_APPROVERS,
        /** The task was failed, or was to be, but had already closed. */
        TASK_CLOSED
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("outcome", outcome.name());
        if (requestId != null) {
            json.addProperty("requestId", requestId);
        }
        json.addProperty("approvers", approvers);
        json.addProperty("sent", sent);
        if (expiresAt != null) {
            json.addProperty("expiresAt", expiresAt.toString());
        }
        return json;
    }
}
