package io.sfncallback.approval.aws;

import io.sfncallback.approval.config.ApprovalConfig;
import io.sfncallback.core.aws.ClientSettings;
import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Builds the approval handlers' AWS clients with {@link ClientSettings}, as the worker's are
 * built: explicit region, the JDK-based url-connection HTTP client (one, shared), the
 * default credentials chain, the SDK's standard retry strategy with {@code AWS_MAX_ATTEMPTS}
 * attempts, and each call bounded by {@code AWS_CALL_TIMEOUT_MS}. Endpoint overrides come from
 * {@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL_SNS}, {@code AWS_ENDPOINT_URL_SFN}
 * or {@code AWS_ENDPOINT_URL}, which is how the local stack and the tests point the same code at
 * local endpoints.
 */
public final class ApprovalClients {

    private final ApprovalConfig config;
    private final SdkHttpClient httpClient;
    private final AwsCredentialsProvider credentials;

    public ApprovalClients(ApprovalConfig config) {
        this(config, null);
    }

    /** Clients with the given credentials; {@code null} uses the default chain. */
    public ApprovalClients(ApprovalConfig config, AwsCredentialsProvider credentials) {
        this(config, ClientSettings.urlConnectionClient(config.callTimeout()), credentials);
    }

    /**
     * Clients over the given HTTP client and credentials ({@code null}: the default chain). The
     * SnapStart priming uses this to exercise the SDK without a network.
     */
    public ApprovalClients(ApprovalConfig config, SdkHttpClient httpClient, AwsCredentialsProvider credentials) {
        this.config = Objects.requireNonNull(config, "config");
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
        this.credentials = credentials;
    }

    public DynamoDbClient dynamoDb() {
        return configure(DynamoDbClient.builder(), config.dynamodbEndpoint()).build();
    }

    public SnsClient sns() {
        return configure(SnsClient.builder(), config.snsEndpoint()).build();
    }

    public SfnClient stepFunctions() {
        return configure(SfnClient.builder(), config.sfnEndpoint()).build();
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, URI endpoint) {
        return ClientSettings.configure(builder, config.region(), config.callTimeout(), config.maxAttempts(), endpoint,
                credentials, httpClient);
    }
}
