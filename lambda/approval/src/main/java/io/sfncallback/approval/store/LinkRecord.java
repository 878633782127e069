package io.sfncallback.approval.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One approver's link to one request: the link item. It holds the hash of the link secret, never
 * the secret, and binds the link to its approver and execution.
 */
public record LinkRecord(
        String linkHash,
        String requestId,
        String approver,
        String executionArn,
        Instant createdAt,
        Instant expiresAt) {

    public LinkRecord {
        Objects.requireNonNull(linkHash, "linkHash");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(executionArn, "executionArn");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
