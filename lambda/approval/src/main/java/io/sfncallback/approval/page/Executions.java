package io.sfncallback.approval.page;

import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Whether the execution a request belongs to is still running, asked of Step Functions
 * (<a href="https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html">DescribeExecution</a>)
 * before the page shows a form or takes a decision: an execution stopped with StopExecution
 * ({@code ABORTED}), failed elsewhere, timed out or finished no longer waits for anyone, and its
 * links must say so instead of showing Approve and Reject.
 *
 * <p>DescribeExecution is eventually consistent (the API reference says so): right after an
 * execution ends it may still be reported running. That only delays the closed page; a decision sent
 * meanwhile is refused by Step Functions (TaskTimedOut / TaskDoesNotExist) and the request is closed
 * then. When Step Functions cannot be asked (throttled, unreachable, not permitted), the page goes
 * on as before this check: showing a form is not a decision, and the decision's own callback is the
 * authority.
 */
public final class Executions {

    /** What Step Functions said about an execution. */
    public sealed interface State {
    }

    /** The execution still runs: its task may be waiting for this decision. */
    public record Running() implements State {
    }

    /**
     * The execution no longer waits for anyone.
     *
     * @param status {@code ABORTED}, {@code FAILED}, {@code TIMED_OUT}, {@code SUCCEEDED},
     *               {@code PENDING_REDRIVE}, or {@code DOES_NOT_EXIST}
     */
    public record Ended(String status) implements State {

        /** How the closed page says it: "was stopped", "failed", ... */
        public String description() {
            return switch (status) {
                case "ABORTED" -> "was stopped";
                case "FAILED", "PENDING_REDRIVE" -> "failed";
                case "TIMED_OUT" -> "timed out";
                case "SUCCEEDED" -> "has already finished";
                default -> "no longer exists";
            };
        }
    }

    /** Step Functions could not be asked; {@code detail} is for the log. */
    public record Unknown(String detail) implements State {
    }

    public static final State RUNNING = new Running();

    private final SfnClient sfn;

    public Executions(SfnClient sfn) {
        this.sfn = Objects.requireNonNull(sfn, "sfn");
    }

    /** The execution's state; never throws. */
    public State state(String executionArn) {
        try {
            DescribeExecutionResponse execution = sfn.describeExecution(r -> r.executionArn(executionArn));
            ExecutionStatus status = execution.status();
            if (status == null) {
                return new Unknown("DescribeExecution answered without a status");
            }
            return status == ExecutionStatus.RUNNING ? RUNNING : new Ended(execution.statusAsString());
        } catch (ExecutionDoesNotExistException e) {
            return new Ended("DOES_NOT_EXIST");
        } catch (SdkException e) {
            String code = e instanceof AwsServiceException service && service.awsErrorDetails() != null
                    ? service.awsErrorDetails().errorCode() + ": " : "";
            return new Unknown(e.getClass().getSimpleName() + ": " + code + e.getMessage());
        }
    }
}
