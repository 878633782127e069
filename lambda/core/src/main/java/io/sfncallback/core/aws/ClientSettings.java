package io.sfncallback.core.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The settings every AWS client of this jar is built with, the worker's ({@link AwsClients}) and the
 * approval handlers' ({@code io.sfncallback.approval.aws.ApprovalClients}). It names no client, so
 * reaching it reaches no AWS call.
 */
public final class ClientSettings {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private ClientSettings() {
    }

    /**
     * Sets the region, each call bounded by {@code callTimeout}, the SDK's standard retry strategy with
     * {@code maxAttempts}; and, where not null, an endpoint override, credentials and an HTTP client
     * (null: the SDK's defaults).
     */
    public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, String region, Duration callTimeout, int maxAttempts, URI endpoint,
            AwsCredentialsProvider credentials, SdkHttpClient httpClient) {
        builder.region(Region.of(region))
                .overrideConfiguration(o -> o
                        .apiCallTimeout(callTimeout)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(maxAttempts)
                                .build()));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        if (credentials != null) {
            builder.credentialsProvider(credentials);
        }
        if (httpClient != null) {
            builder.httpClient(httpClient);
        }
        return builder;
    }

    /** The JDK-based url-connection HTTP client, its reads bounded like a whole call. */
    public static SdkHttpClient urlConnectionClient(Duration socketTimeout) {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(socketTimeout)
                .build();
    }
}
