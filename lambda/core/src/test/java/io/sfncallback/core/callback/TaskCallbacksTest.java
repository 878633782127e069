package io.sfncallback.core.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidOutputException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.SendTaskFailureRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskHeartbeatRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

@ExtendWith(MockitoExtension.class)
class TaskCallbacksTest {

    @Mock
    SfnClient sfn;

    private TaskCallbacks callbacks() {
        return new TaskCallbacks(sfn);
    }

    @Test
    void successIsDelivered() {
        assertThat(callbacks().succeed("tok", "{\"a\":1}")).isEqualTo(CallbackResult.DELIVERED);

        verify(sfn).sendTaskSuccess(SendTaskSuccessRequest.builder().taskToken("tok").output("{\"a\":1}").build());
    }

    @Test
    void timedOutAndDoesNotExistMeanTheTaskIsClosed() {
        when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class)))
                .thenThrow(error(TaskTimedOutException.builder(), "Task Timed Out"))
                .thenThrow(error(TaskDoesNotExistException.builder(), "no such task"));

        assertThat(callbacks().succeed("t", "{}")).isEqualTo(new CallbackResult.TaskClosed("TaskTimedOut", "Task Timed Out"));
        assertThat(callbacks().succeed("t", "{}")).isEqualTo(new CallbackResult.TaskClosed("TaskDoesNotExist", "no such task"));
    }

    /**
     * InvalidToken ("The provided token is not valid") is not TaskTimedOut ("The task token has either
     * expired or the task associated with the token has already been closed"):
     * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html#API_SendTaskSuccess_Errors
     */
    @Test
    void invalidTokenIsItsOwnAnswerNotAClosedTask() {
        when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class))).thenThrow(error(InvalidTokenException.builder(), "Invalid Token"));
        when(sfn.sendTaskHeartbeat(any(software.amazon.awssdk.services.sfn.model.SendTaskHeartbeatRequest.class)))
                .thenThrow(error(InvalidTokenException.builder(), "Invalid Token"));

        assertThat(callbacks().succeed("t", "{}")).isEqualTo(new CallbackResult.InvalidToken("Invalid Token"));
        assertThat(callbacks().heartbeat("t")).isEqualTo(new CallbackResult.InvalidToken("Invalid Token"));
    }

    @Test
    void invalidOutputIsTheOutputsFault() {
        when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class))).thenThrow(error(InvalidOutputException.builder(), "bad json"));

        assertThat(callbacks().succeed("t", "{")).isEqualTo(new CallbackResult.OutputRejected("bad json"));
    }

    @Test
    void throttlingServerErrorsAndNetworkFailuresLeaveTheTaskOpen() {
        when(sfn.sendTaskSuccess(any(SendTaskSuccessRequest.class)))
                .thenThrow(SfnException.builder().statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").errorMessage("Rate exceeded").build())
                        .build())
                .thenThrow(SdkClientException.create("Unable to execute HTTP request: Connection refused"));

        assertThat(callbacks().succeed("t", "{}")).isEqualTo(new CallbackResult.Unavailable("SfnException: Rate exceeded"));
        assertThat(callbacks().succeed("t", "{}"))
                .isEqualTo(new CallbackResult.Unavailable("SdkClientException: Unable to execute HTTP request: Connection refused"));
    }

    @Test
    void failureErrorAndCauseAreTruncatedToTheApiLimits() {
        callbacks().fail("t", "E".repeat(1000), "C".repeat(100_000));

        ArgumentCaptor<SendTaskFailureRequest> request = ArgumentCaptor.forClass(SendTaskFailureRequest.class);
        verify(sfn).sendTaskFailure(request.capture());
        SendTaskFailureRequest sent = request.getValue();
        assertThat(sent.error()).hasSize(TaskCallbacks.MAX_ERROR_LENGTH).endsWith("…");
        assertThat(sent.cause()).hasSize(TaskCallbacks.MAX_CAUSE_LENGTH).endsWith("…");
        assertThat(sent.taskToken()).isEqualTo("t");
    }

    @Test
    void errorAndCauseWithinTheLimitsAreSentAsTheyAre() {
        callbacks().fail("t", "E".repeat(256), "C".repeat(32_768));

        verify(sfn).sendTaskFailure(SendTaskFailureRequest.builder().taskToken("t").error("E".repeat(256)).cause("C".repeat(32_768)).build());
    }

    @Test
    void heartbeatAnswersMapTheSameWay() {
        when(sfn.sendTaskHeartbeat(any(SendTaskHeartbeatRequest.class)))
                .thenReturn(null)
                .thenThrow(error(TaskTimedOutException.builder(), "Task Timed Out"));

        assertThat(callbacks().heartbeat("t")).isEqualTo(CallbackResult.DELIVERED);
        assertThat(callbacks().heartbeat("t")).isEqualTo(new CallbackResult.TaskClosed("TaskTimedOut", "Task Timed Out"));
        verify(sfn, org.mockito.Mockito.times(2)).sendTaskHeartbeat(SendTaskHeartbeatRequest.builder().taskToken("t").build());
    }

    private static RuntimeException error(SfnException.Builder builder, String message) {
        return builder.statusCode(400).awsErrorDetails(AwsErrorDetails.builder().errorMessage(message).build()).build();
    }
}
