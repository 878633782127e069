package io.sfncallback.approval.store;

/** Where an approval request is in its life. */
public enum Status {
    /** Waiting for a decision; its links work. */
    PENDING,
    /** A decision has been claimed and is being sent to Step Functions; the claim has a lease. */
    DECIDING,
    /** Approved; Step Functions has the decision. */
    APPROVED,
    /** Rejected; Step Functions has the decision. */
    REJECTED,
    /** The task closed without a decision from a link (timed out, execution stopped). */
    CLOSED;

    public boolean decided() {
        return this == APPROVED || this == REJECTED;
    }
}
