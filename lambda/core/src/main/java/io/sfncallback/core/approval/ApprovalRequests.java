package io.sfncallback.core.approval;

/**
 * The contract between a processor that asks for a person's approval (the worker's
 * {@code TaskResult.requestApproval}) and the approval functions that show the request: one place for
 * the member the state machine routes on and for the summary's limit, so that neither side can let
 * through what the other refuses.
 */
public final class ApprovalRequests {

    /**
     * The member of a completed task's output that asks for a person's approval: the state machine
     * routes on {@code $.result.approvalRequest} being present.
     */
    public static final String MEMBER = "approvalRequest";

    /** The longest approval summary, in characters (Unicode code points). */
    public static final int MAX_SUMMARY_LENGTH = 4_000;

    private ApprovalRequests() {
    }
}
