package io.sfncallback.approval.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A person's decision and where it came from: the audit record kept on the request item.
 *
 * @param approved        approve or reject
 * @param approver        the address the link was made for
 * @param comment         the approver's comment, or {@code null}
 * @param decidedAt       when the decision was taken
 * @param linkFingerprint the link it came through (first 12 hex of the link's stored hash)
 * @param sourceIp        the client's address as API Gateway saw it, or {@code null}
 * @param userAgent       the client's User-Agent, or {@code null}
 */
public record Decision(
        boolean approved,
        String approver,
        String comment,
        Instant decidedAt,
        String linkFingerprint,
        String sourceIp,
        String userAgent) {

    public Decision {
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(decidedAt, "decidedAt");
        Objects.requireNonNull(linkFingerprint, "linkFingerprint");
    }
}
