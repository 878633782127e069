package io.sfncallback.local.sqs;

import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The tasks queue and its dead-letter queue, created with the SQS API as Terraform configures them: the tasks
 * queue redrives to the DLQ after {@code maxReceiveCount} receives, with the given visibility timeout. The
 * retention periods are passed on too, though ElasticMQ neither reports nor enforces them (a local run is short).
 */
public record Queues(String tasksQueueUrl, String tasksQueueArn, String deadLetterQueueUrl, String deadLetterQueueArn) {

    public static Queues create(SqsClient sqs, String tasksQueueName, String deadLetterQueueName,
            int visibilityTimeoutSeconds, int maxReceiveCount) {
        return create(sqs, tasksQueueName, deadLetterQueueName, visibilityTimeoutSeconds, maxReceiveCount, 345_600,
                1_209_600);
    }

    /** With retention periods too (message_retention_seconds, dlq_message_retention_seconds). */
    public static Queues create(SqsClient sqs, String tasksQueueName, String deadLetterQueueName,
            int visibilityTimeoutSeconds, int maxReceiveCount, int retentionSeconds, int dlqRetentionSeconds) {
        String dlqUrl = sqs.createQueue(CreateQueueRequest.builder()
                .queueName(deadLetterQueueName)
                .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                        Integer.toString(dlqRetentionSeconds)))
                .build()).queueUrl();
        String dlqArn = arn(sqs, dlqUrl);
        String redrivePolicy = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":" + maxReceiveCount + "}";
        String tasksUrl = sqs.createQueue(CreateQueueRequest.builder()
                .queueName(tasksQueueName)
                .attributes(Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds),
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD, Integer.toString(retentionSeconds),
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
