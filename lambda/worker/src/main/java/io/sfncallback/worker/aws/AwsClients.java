package io.sfncallback.worker.aws;

import io.sfncallback.core.aws.ClientSettings;
import io.sfncallback.worker.config.WorkerConfig;
import io.sfncallback.worker.retry.SqsVisibility;
import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Builds the AWS clients the worker uses, tuned for a Lambda cold start.
 *
 * <ul>
 *   <li>The region is given explicitly ({@code AWS_REGION}), so the SDK does not walk its region
 *       provider chain.</li>
 *   <li>The HTTP client is the JDK-based url-connection-client unless configured otherwise: the
 *       measurement behind that choice is in {@code docs/benchmarks.md}.</li>
 *   <li>Credentials come from the SDK's default chain, on purpose: with SnapStart, Lambda serves
 *       them through the container credentials endpoint, not environment variables
 *       (<a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html">SnapStart docs</a>).</li>
 *   <li>Retries use the SDK's standard strategy with {@code SFN_MAX_ATTEMPTS}; one call, retries
 *       included, is bounded by {@code SFN_CALL_TIMEOUT_MS}.</li>
 * </ul>
 */
public final class AwsClients {

    private final WorkerConfig config;
    private final SdkHttpClient httpClient;
    private final AwsCredentialsProvider credentials;

    /** Clients for real use: the configured HTTP client and the default credentials chain. */
    public AwsClients(WorkerConfig config) {
        this(config, null, null);
    }

    /**
     * Clients with a given HTTP client and credentials; {@code null} keeps the configured ones.
     * Priming uses this to exercise the SDK without a network.
     */
    public AwsClients(WorkerConfig config, SdkHttpClient httpClient, AwsCredentialsProvider credentials) {
        this.config = Objects.requireNonNull(config, "config");
        this.httpClient = httpClient;
        this.credentials = credentials;
    }

    public SfnClient stepFunctions() {
        return configure(SfnClient.builder(), config.sfnEndpoint()).build();
    }

    /** The worker's one SQS call; always over the url-connection client, which both builds contain. */
    public SqsVisibility sqs() {
        SdkHttpClient http = httpClient != null ? httpClient : urlConnectionClient();
        AwsCredentialsProvider provider = credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
        return new SqsVisibility(http, provider, config.region(), config.sqsEndpoint());
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, URI endpoint) {
        SdkHttpClient http = httpClient != null ? httpClient
                : config.httpClient() == WorkerConfig.HttpClientKind.URL_CONNECTION ? urlConnectionClient() : null;
        return ClientSettings.configure(builder, config.region(), config.sfnCallTimeout(), config.sfnMaxAttempts(),
                endpoint, credentials, http);
    }

    private SdkHttpClient urlConnectionClient() {
        return ClientSettings.urlConnectionClient(config.sfnCallTimeout());
    }
}
