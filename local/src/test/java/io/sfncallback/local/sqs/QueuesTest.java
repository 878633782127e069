package io.sfncallback.local.sqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sfncallback.local.LocalStack;
import io.sfncallback.local.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class QueuesTest {

    @Test
    void theTasksQueueIsConfiguredAsTerraformConfiguresIt() throws Exception {
        try (EmbeddedSqs server = EmbeddedSqs.start("127.0.0.1", 0, "eu-west-1", "123456789012");
                SqsClient sqs = LocalStack.sqsClient(server.endpoint(), "eu-west-1")) {
            Queues queues = Queues.create(sqs, "x-tasks", "x-dead-letters", 725, 5, 345_600, 1_209_600);
            assertTrue(queues.tasksQueueUrl().startsWith(server.endpoint() + "/"), queues.tasksQueueUrl());
            assertEquals("arn:aws:sqs:eu-west-1:123456789012:x-dead-letters", queues.deadLetterQueueArn());
            Map<QueueAttributeName, String> tasks = sqs.getQueueAttributes(b -> b.queueUrl(queues.tasksQueueUrl())
                    .attributeNames(QueueAttributeName.ALL)).attributes();
            assertEquals("725", tasks.get(QueueAttributeName.VISIBILITY_TIMEOUT));
            var redrive = Json.parse(tasks.get(QueueAttributeName.REDRIVE_POLICY)).getAsJsonObject();
            assertEquals(queues.deadLetterQueueArn(), redrive.get("deadLetterTargetArn").getAsString());
            assertEquals(5, redrive.get("maxReceiveCount").getAsInt());
        }
    }
}
