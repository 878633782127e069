package io.sfncallback.local.asl;

import java.util.List;
import java.util.Set;

/**
 * The service integrations a Task can call: both with the wait-for-callback pattern
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token). The
 * history names them with a resource type and resource, as AWS records them (e.g. {@code sqs} /
 * {@code sendMessage.waitForTaskToken}).
 */
public enum Integration {
    /** {@code arn:aws:states:::sqs:sendMessage.waitForTaskToken}: SendMessage, then wait for the callback. */
    SQS_SEND_MESSAGE("sqs", "sendMessage.waitForTaskToken",
            Set.of("QueueUrl", "MessageBody", "DelaySeconds", "MessageGroupId", "MessageDeduplicationId"),
            List.of("QueueUrl", "MessageBody")),
    /**
     * {@code arn:aws:states:::lambda:invoke.waitForTaskToken}: a synchronous Invoke of a function registered with the
     * local stack, then wait for the callback.
     */
    LAMBDA_INVOKE("lambda", "invoke.waitForTaskToken", Set.of("FunctionName", "Payload"), List.of("FunctionName"));

    private final String resourceType;
    private final String resource;
    private final Set<String> parameters;
    private final List<String> requiredParameters;

    Integration(String resourceType, String resource, Set<String> parameters, List<String> requiredParameters) {
        this.resourceType = resourceType;
        this.resource = resource;
        this.parameters = parameters;
        this.requiredParameters = requiredParameters;
    }

    public String resourceType() {
        return resourceType;
    }

    public String resource() {
        return resource;
    }

    /** The Parameters fields the local integration passes on. */
    public Set<String> parameters() {
        return parameters;
    }

    public List<String> requiredParameters() {
        return requiredParameters;
    }
}
