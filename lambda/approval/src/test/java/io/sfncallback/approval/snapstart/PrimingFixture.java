package io.sfncallback.approval.snapstart;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sfncallback.approval.config.ApprovalConfig;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.core.snapstart.CannedHttpClient;
import io.sfncallback.testkit.CapturingLogger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

/** What both priming tests share: a configuration pointing at a WireMock endpoint, and recording or failing HTTP clients. */
final class PrimingFixture {

    private PrimingFixture() {
    }

    /** The function's configuration, every AWS endpoint pointed at {@code aws}: any request that leaves shows there. */
    static ApprovalConfig config(WireMockExtension aws) {
        return ApprovalConfig.fromEnvironment(Map.of(
                "AWS_ENDPOINT_URL", aws.baseUrl(),
                "APPROVALS_TABLE", "approvals",
                "APPROVAL_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:approvals",
                "APPROVER_EMAILS", "[\"real.approver@example.com\"]",
                "APPROVAL_BASE_URL", "https://approvals.example.com"));
    }

    static JsonLog log(CapturingLogger logger) {
        return new JsonLog(logger, LogLevel.INFO, null, Clock.systemUTC());
    }

    /** The canned services, with the operation of every request they answer recorded in {@code operations}. */
    static CannedHttpClient recording(List<String> operations) {
        CannedServices services = new CannedServices(Clock.systemUTC());
        return new CannedHttpClient(request -> {
            operations.add(request.target().isEmpty() ? "SNS." + request.body().replaceAll("^Action=([^&]*).*$", "$1") : request.target());
            return services.answer(request);
        });
    }

    static List<String> operations() {
        return new CopyOnWriteArrayList<>();
    }

    /** An HTTP client whose every request fails with {@code failure}. */
    static SdkHttpClient failing(RuntimeException failure) {
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                throw failure;
            }

            @Override
            public void close() {
            }
        };
    }

    /** An HTTP client whose every request fails with {@code failure}, an Error the services' own handling does not catch. */
    static SdkHttpClient failing(LinkageError failure) {
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                throw failure;
            }

            @Override
            public void close() {
            }
        };
    }
}
