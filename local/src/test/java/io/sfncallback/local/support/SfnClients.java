package io.sfncallback.local.support;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/** A real AWS SDK Step Functions client pointed at a local endpoint, and waits on its executions. */
public final class SfnClients {

    private SfnClients() {
    }

    public static SfnClient local(String endpoint) {
        return SfnClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    public static DescribeExecutionResponse awaitEnd(SfnClient sfn, String executionArn, Duration timeout) {
        return Await.value(timeout, executionArn + " to finish", () -> {
            DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(executionArn));
            return execution.status() == ExecutionStatus.RUNNING ? null : execution;
        });
    }

    public static List<HistoryEvent> history(SfnClient sfn, String executionArn) {
        return sfn.getExecutionHistoryPaginator(b -> b.executionArn(executionArn)).events().stream().toList();
    }

    public static List<HistoryEventType> types(SfnClient sfn, String executionArn) {
        return history(sfn, executionArn).stream().map(HistoryEvent::type).toList();
    }
}
