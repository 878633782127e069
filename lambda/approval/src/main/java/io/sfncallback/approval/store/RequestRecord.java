package io.sfncallback.approval.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One approval request: the request item. It is the only place the task token is kept, from the
 * moment the request is made until the decision has been delivered (then it is removed).
 *
 * <p>{@link #toString()} leaves out the token and the form key.
 *
 * @param requestId    32 hex characters of the token's SHA-256
 * @param taskToken    the task token, or {@code null} once used
 * @param executionArn the waiting execution
 * @param summary      what is to be approved, as the processor wrote it
 * @param approvers    the addresses links were (or are being) sent to
 * @param createdAt    when the request was made
 * @param expiresAt    after this no decision is taken
 * @param status       where the request is
 * @param formKey      the random key of the form's synchronizer tokens
 * @param notified     the approvers whose e-mail has been sent
 * @param claimId      the claim of a decision being sent, or {@code null}
 * @param claimedUntil when that claim lapses, or {@code null}
 * @param decision     the decision (being) taken, or {@code null}
 * @param closedReason why the task closed without a decision, or {@code null}
 */
public record RequestRecord(
        String requestId,
        String taskToken,
        String executionArn,
        String summary,
        List<String> approvers,
        Instant createdAt,
        Instant expiresAt,
        Status status,
        byte[] formKey,
        Set<String> notified,
        String claimId,
        Instant claimedUntil,
        Decision decision,
        String closedReason) {

    public RequestRecord {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(executionArn, "executionArn");
        Objects.requireNonNull(summary, "summary");
        approvers = List.copyOf(approvers);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(formKey, "formKey");
        notified = Set.copyOf(notified);
    }

    /** True when no decision can be taken any more because the request is past its expiry. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** True while a claimed decision is still being sent (its lease has not lapsed). */
    public boolean claimHeldAt(Instant now) {
        return status == Status.DECIDING && claimedUntil != null && now.isBefore(claimedUntil);
    }

    @Override
    public String toString() {
        return "RequestRecord[requestId=" + requestId + ", executionArn=" + executionArn + ", status=" + status
                + ", approvers=" + approvers.size() + ", notified=" + notified.size() + ", createdAt=" + createdAt
                + ", expiresAt=" + expiresAt + ", taskToken=" + (taskToken == null ? "none" : "(kept)") + "]";
    }
}
