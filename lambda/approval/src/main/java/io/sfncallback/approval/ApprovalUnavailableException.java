package io.sfncallback.approval;

/**
 * The approval request could not be made or answered because an AWS service (DynamoDB, SNS, Step
 * Functions) kept failing after the SDK's retries.
 *
 * <p>The request handler throws it so that the invocation fails and the state machine's Retry on
 * the approval task applies; Lambda reports it to Step Functions with this class's fully qualified
 * name as the error. Nothing the handler stored stands in the way of the retry.
 */
public final class ApprovalUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ApprovalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
