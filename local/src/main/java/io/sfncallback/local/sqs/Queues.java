package io.sfncallback.local.sqs;

import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The tasks queue and its dead-letter queue, created with the SQS API as Terraform configures them: the tasks
 * queue redrives to the DLQ after {@code maxReceiveCount} receives, with the given visibility timeout.
 */
public record Queues(String tasksQueueUrl, String tasksQueueArn, String deadLetterQueueUrl, String deadLetterQueueArn) {

    /** 14 days, the longest SQS keeps a message: the DLQ holds what needs a person's look. */
    private static final String DLQ_RETENTION_SECONDS = "1209600";

    public static Queues create(SqsClient sqs, String tasksQueueName, String deadLetterQueueName,
            int visibilityTimeoutSeconds, int maxReceiveCount) {
        String dlqUrl = sqs.createQueue(CreateQueueRequest.builder()
                .queueName(deadLetterQueueName)
                .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, DLQ_RETENTION_SECONDS))
                .build()).queueUrl();
        String dlqArn = arn(sqs, dlqUrl);
        String redrivePolicy = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":" + maxReceiveCount + "}";
        String tasksUrl = sqs.createQueue(CreateQueueRequest.builder()
                .queueName(tasksQueueName)
                .attributes(Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds),
                        QueueAttributeName.REDRIVE_POLICY, redrivePolicy))
                .build()).queueUrl();
        return new Queues(tasksUrl, arn(sqs, tasksUrl), dlqUrl, dlqArn);
    }

    private static String arn(SqsClient sqs, String queueUrl) {
        return sqs.getQueueAttributes(GetQueueAttributesRequest.builder()
                .queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN)
                .build()).attributes().get(QueueAttributeName.QUEUE_ARN);
    }
}
