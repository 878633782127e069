package io.sfncallback.local.engine;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Sends with the SQS API. Failures take the error names Step Functions' SQS integration reports:
 * {@code SQS.AmazonSQSException} when SQS answered with an error, {@code SQS.SdkClientException} when it could
 * not be reached (the names the project's Retry matches).
 */
public final class SqsMessageSender implements MessageSender {

    private final SqsClient sqs;

    public SqsMessageSender(SqsClient sqs) {
        this.sqs = sqs;
    }

    @Override
    public SentMessage send(String queueUrl, String body, Integer delaySeconds, String messageGroupId,
            String messageDeduplicationId) throws SendFailure {
        try {
            SendMessageResponse response = sqs.sendMessage(SendMessageRequest.builder()
                    .queueUrl(queueUrl)
                    .messageBody(body)
                    .delaySeconds(delaySeconds)
                    .messageGroupId(messageGroupId)
                    .messageDeduplicationId(messageDeduplicationId)
                    .build());
            return new SentMessage(response.messageId(), response.md5OfMessageBody());
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            throw new SendFailure("SQS.AmazonSQSException", e.getMessage() + " (Service: AmazonSQS; Status Code: "
                    + e.statusCode() + "; Error Code: " + code + "; Request ID: " + e.requestId() + ")");
        } catch (SdkException e) {
            throw new SendFailure("SQS.SdkClientException", String.valueOf(e.getMessage()));
        }
    }
}
