package io.sfncallback.approval.snapstart;

import com.google.gson.JsonParser;
import io.sfncallback.approval.ApprovalRequestHandler;
import io.sfncallback.approval.config.ApprovalConfig;
import io.sfncallback.approval.request.ApprovalRequester;
import io.sfncallback.approval.request.RequestOutcome;
import io.sfncallback.core.logging.JsonLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Primes the approval task's function ({@link ApprovalRequestHandler}): a new request (DynamoDB
 * PutItem twice, SNS Publish, UpdateItem), the same request again as a Step Functions Retry sends it
 * (a failed condition, GetItem) and an invalid one (SendTaskFailure, answered with TaskTimedOut).
 * The link secrets and form key it makes come from new {@code SecureRandom} instances that are
 * dropped with them, as every request's are ({@link io.sfncallback.approval.link.LinkSecrets}): no
 * random state made before the snapshot is used after it.
 */
public final class RequestPriming extends Priming {

    private final ApprovalConfig config;

    public RequestPriming(ApprovalConfig config, JsonLog log) {
        this(config, log, null);
    }

    RequestPriming(ApprovalConfig config, JsonLog log, SdkHttpClient http) {
        super(log, http);
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    List<String> prime() {
        ApprovalConfig primingConfig = primingConfig(config);
        ApprovalRequester requester = ApprovalRequestHandler.requester(primingConfig, clients(primingConfig), Clock.systemUTC());
        String valid = "{\"TaskToken\":\"" + CannedServices.TASK_TOKEN + "\",\"ExecutionArn\":\"" + CannedServices.EXECUTION_ARN
                + "\",\"Request\":{\"summary\":\"Priming request\"}}";
        String invalid = "{\"TaskToken\":\"" + CannedServices.TASK_TOKEN + "\",\"ExecutionArn\":\"" + CannedServices.EXECUTION_ARN
                + "\",\"Request\":{}}";
        List<String> outcomes = new ArrayList<>();
        for (String payload : List.of(valid, valid, invalid)) {
            RequestOutcome outcome = requester.handle(JsonParser.parseString(payload), DISCARD);
            outcome.toJson().toString(); // as the handler writes it
            outcomes.add(outcome.outcome().name());
        }
        return outcomes;
    }
}
