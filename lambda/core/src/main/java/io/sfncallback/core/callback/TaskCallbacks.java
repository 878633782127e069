package io.sfncallback.core.callback;

import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidOutputException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.SendTaskFailureRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskHeartbeatRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * The three callbacks of the task-token pattern, with every answer turned into a
 * {@link CallbackResult}.
 *
 * <p>Retries of throttling, 5xx and network errors are the SDK's (standard mode, configured by
 * {@code SFN_MAX_ATTEMPTS} and {@code SFN_CALL_TIMEOUT_MS}); what is left after them is
 * {@link CallbackResult.Unavailable}. The error and cause of a failure are truncated to the API's
 * limits rather than rejected
 * (<a href="https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html">SendTaskFailure</a>).
 */
public final class TaskCallbacks {

    /** SendTaskFailure {@code error}: at most 256 characters. */
    public static final int MAX_ERROR_LENGTH = 256;
    /** SendTaskFailure {@code cause}: at most 32,768 characters. */
    public static final int MAX_CAUSE_LENGTH = 32_768;
    /** SendTaskSuccess {@code output}: at most 262,144 bytes of UTF-8. */
    public static final int MAX_OUTPUT_BYTES = 262_144;

    private final SfnClient sfn;

    public TaskCallbacks(SfnClient sfn) {
        this.sfn = Objects.requireNonNull(sfn, "sfn");
    }

    /** SendTaskSuccess; the caller checks {@link #MAX_OUTPUT_BYTES} first. */
    public CallbackResult succeed(String taskToken, String outputJson) {
        return call(() -> sfn.sendTaskSuccess(SendTaskSuccessRequest.builder().taskToken(taskToken).output(outputJson).build()));
    }

    /** SendTaskFailure, with {@code error} and {@code cause} truncated to the API's limits. */
    public CallbackResult fail(String taskToken, String error, String cause) {
        SendTaskFailureRequest request = SendTaskFailureRequest.builder()
                .taskToken(taskToken)
                .error(Text.truncate(error, MAX_ERROR_LENGTH))
                .cause(Text.truncate(cause, MAX_CAUSE_LENGTH))
                .build();
        return call(() -> sfn.sendTaskFailure(request));
    }

    /** SendTaskHeartbeat. */
    public CallbackResult heartbeat(String taskToken) {
        return call(() -> sfn.sendTaskHeartbeat(SendTaskHeartbeatRequest.builder().taskToken(taskToken).build()));
    }

    private static CallbackResult call(Runnable request) {
        try {
            request.run();
            return CallbackResult.DELIVERED;
        } catch (TaskTimedOutException e) {
            return new CallbackResult.TaskClosed("TaskTimedOut", message(e));
        } catch (TaskDoesNotExistException e) {
            return new CallbackResult.TaskClosed("TaskDoesNotExist", message(e));
        } catch (InvalidTokenException e) {
            return new CallbackResult.InvalidToken(message(e));
        } catch (InvalidOutputException e) {
            return new CallbackResult.OutputRejected(message(e));
        } catch (SdkException e) {
            return new CallbackResult.Unavailable(e.getClass().getSimpleName() + ": " + message(e));
        }
    }

    private static String message(SdkException e) {
        return e instanceof AwsServiceException service
                && service.awsErrorDetails() != null && service.awsErrorDetails().errorMessage() != null
                ? service.awsErrorDetails().errorMessage()
                : String.valueOf(e.getMessage());
    }
}
