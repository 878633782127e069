package io.sfncallback.local.engine;

/** Sends the Task's message to SQS: the {@code sqs:sendMessage} half of the integration. */
public interface MessageSender {

    SentMessage send(String queueUrl, String body, Integer delaySeconds, String messageGroupId,
            String messageDeduplicationId) throws SendFailure;

    /** What SendMessage answered; becomes the TaskSubmitted event's output. */
    record SentMessage(String messageId, String md5OfMessageBody) {
    }

    /** SendMessage failed: {@code error} is the name the Task reports (e.g. {@code SQS.AmazonSQSException}). */
    final class SendFailure extends Exception {
        private final String error;

        public SendFailure(String error, String cause) {
            super(cause);
            this.error = error;
        }

        public String error() {
            return error;
        }
    }
}
