package io.sfncallback.local.host;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What a deployed stack gave its functions, read with the AWS APIs: each function's configuration at its
 * {@code live} alias (GetFunctionConfiguration: handler, environment, timeout, memory), the worker's SQS event
 * source mapping (ListEventSourceMappings: queue, batch size, batching window, maximum concurrency) and its queue's
 * URL (GetQueueUrl). Names are Terraform's: {@code <prefix>-worker}, {@code <prefix>-approval-request},
 * {@code <prefix>-approval-page}.
 */
public final class DeployedStack {

    /** The alias Terraform's lambda-function module points every caller at. */
    public static final String ALIAS = "live";

    /** A deployed function's configuration at the alias. */
    public record Function(String name, String arn, String handlerClass, Map<String, String> environment,
            int timeoutSeconds, int memorySizeMb) {
    }

    /** The worker's event source mapping, with its queue's URL. */
    public record Mapping(String uuid, String state, String queueArn, String queueUrl, int batchSize,
            int batchingWindowSeconds, int maxConcurrency) {
    }

    private final LambdaClient lambda;
    private final SqsClient sqs;

    public DeployedStack(LambdaClient lambda, SqsClient sqs) {
        this.lambda = lambda;
        this.sqs = sqs;
    }

    /** The function's configuration at {@link #ALIAS}, or empty when there is no such function or alias. */
    public Optional<Function> function(String name) {
        GetFunctionConfigurationResponse configuration;
        try {
            configuration = lambda.getFunctionConfiguration(request -> request.functionName(name).qualifier(ALIAS));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
        String handler = configuration.handler();
        String handlerClass = handler == null ? "" : handler.split("::", 2)[0];
        Map<String, String> environment = configuration.environment() == null
                || configuration.environment().variables() == null ? Map.of()
                : Map.copyOf(configuration.environment().variables());
        return Optional.of(new Function(name, configuration.functionArn(), handlerClass, environment,
                valueOr(configuration.timeout(), 3), valueOr(configuration.memorySize(), 128)));
    }

    /**
     * The SQS mapping that invokes {@code functionName} (any qualifier), or empty. Fails when there are several:
     * which one to play would be a guess.
     */
    public Optional<Mapping> sqsMapping(String functionName) {
        List<EventSourceMappingConfiguration> found = lambda.listEventSourceMappingsPaginator(request -> { })
                .eventSourceMappings().stream()
                .filter(mapping -> mapping.eventSourceArn() != null && mapping.eventSourceArn().startsWith("arn:")
                        && mapping.eventSourceArn().split(":")[2].equals("sqs"))
                .filter(mapping -> functionName.equals(functionNameOf(mapping.functionArn())))
                .toList();
        if (found.size() > 1) {
            throw new IllegalStateException(found.size() + " SQS event source mappings invoke " + functionName
                    + ": " + found.stream().map(EventSourceMappingConfiguration::uuid).toList());
        }
        return found.stream().findFirst().map(mapping -> {
            String[] arn = mapping.eventSourceArn().split(":");
            String queueUrl = sqs.getQueueUrl(request -> request.queueName(arn[5]).queueOwnerAWSAccountId(arn[4]))
                    .queueUrl();
            int maxConcurrency = mapping.scalingConfig() == null || mapping.scalingConfig().maximumConcurrency() == null
                    ? 1000 : mapping.scalingConfig().maximumConcurrency();
            return new Mapping(mapping.uuid(), mapping.state(), mapping.eventSourceArn(), queueUrl,
                    valueOr(mapping.batchSize(), 10), valueOr(mapping.maximumBatchingWindowInSeconds(), 0),
                    maxConcurrency);
        });
    }

    /** {@code arn:aws:lambda:region:account:function:NAME[:qualifier]} → NAME. */
    static String functionNameOf(String functionArn) {
        if (functionArn == null) {
            return null;
        }
        String[] parts = functionArn.split(":");
        return parts.length >= 7 ? parts[6] : functionArn;
    }

    private static int valueOr(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
