package io.sfncallback.approval.request;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonElement;
import io.sfncallback.approval.ApprovalUnavailableException;
import io.sfncallback.approval.link.LinkSecrets;
import io.sfncallback.approval.notify.ApprovalMail;
import io.sfncallback.approval.notify.ApprovalNotifier;
import io.sfncallback.approval.store.ApprovalStore.Creation;
import io.sfncallback.approval.store.ApprovalStore.NewRequest;
import io.sfncallback.approval.store.ApprovalStore;
import io.sfncallback.approval.store.LinkRecord;
import io.sfncallback.approval.store.RequestRecord;
import io.sfncallback.approval.store.Status;
import io.sfncallback.core.callback.CallbackResult;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.callback.TokenFingerprint;
import io.sfncallback.core.logging.JsonLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Makes an approval request: keeps the task token in the store, makes one link per approver and
 * e-mails each approver theirs.
 *
 * <p>Safe to run twice for the same token, as a Step Functions Retry does: the request id is
 * derived from the token and the request item is created conditionally, so a second run finds the
 * first one's request and only e-mails the approvers not yet marked as notified. The order per
 * approver is link item, then e-mail, then mark: a run that fails part-way leaves at worst a link
 * item whose secret nobody ever saw (it expires), never a sent link without its item. The only
 * duplicate a retry can send is the e-mail of an approver whose Publish succeeded just before the
 * run failed to mark it; both links then work, and the request still takes one decision.
 *
 * <p>A request that is wrong ({@code Approval.InvalidRequest}) or that nobody could approve
 * ({@code Approval.NoApprovers}) fails the task at once with SendTaskFailure, so the execution ends
 * now instead of waiting for the approval timeout. When an AWS service keeps failing, the method
 * throws {@link ApprovalUnavailableException} and the state machine's Retry takes over.
 */
public final class ApprovalRequester {

    public static final String INVALID_REQUEST = "Approval.InvalidRequest";
    public static final String NO_APPROVERS = "Approval.NoApprovers";
    static final String LINK_PATH = "/approvals/";

    private final ApprovalStore store;
    private final ApprovalNotifier notifier;
    private final TaskCallbacks callbacks;
    private final LinkSecrets secrets;
    private final List<String> approvers;
    private final String baseUrl;
    private final Duration timeout;
    private final Clock clock;

    public ApprovalRequester(ApprovalStore store, ApprovalNotifier notifier, TaskCallbacks callbacks, LinkSecrets secrets,
                             List<String> approvers, String baseUrl, Duration timeout, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.approvers = List.copyOf(approvers);
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Handles one invocation of the approval task.
     *
     * @throws IllegalArgumentException     when the payload has no task token (nothing can be answered)
     * @throws ApprovalUnavailableException when DynamoDB, SNS or Step Functions keep failing
     */
    public RequestOutcome handle(JsonElement payload, JsonLog log) {
        ApprovalEvent event = ApprovalEvent.parse(payload);
        return switch (event) {
            case ApprovalEvent.Unanswerable u -> {
                log.at(LogLevel.ERROR, "approval request unusable").with("detail", u.cause()).write();
                throw new IllegalArgumentException("Approval task payload unusable: " + u.cause());
            }
            case ApprovalEvent.Invalid invalid -> fail(invalid.taskToken(), invalid.executionArn(), INVALID_REQUEST,
                    invalid.cause(), RequestOutcome.Kind.INVALID_REQUEST, log);
            case ApprovalEvent.Valid valid when approvers.isEmpty() -> fail(valid.taskToken(), valid.executionArn(), NO_APPROVERS,
                    "No approvers are configured (APPROVER_EMAILS is empty), so nobody could approve this request; "
                            + "add addresses to approver_emails and run the execution again.",
                    RequestOutcome.Kind.NO_APPROVERS, log);
            case ApprovalEvent.Valid valid -> send(valid, log);
        };
    }

    private RequestOutcome send(ApprovalEvent.Valid event, JsonLog log) {
        String requestId = LinkSecrets.requestId(event.taskToken());
        try {
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            Creation creation = store.createRequest(new NewRequest(requestId, event.taskToken(), event.executionArn(),
                    event.summary(), approvers, now, now.plus(timeout), secrets.randomBytes()));
            RequestRecord request = creation.request();
            if (request.status() != Status.PENDING || request.expiredAt(clock.instant())) {
                return logged(log, new RequestOutcome(RequestOutcome.Kind.ALREADY_DONE, requestId,
                        request.approvers().size(), 0, request.expiresAt()), event, request.status().name());
            }
            int sent = 0;
            for (String approver : request.approvers()) {
                if (request.notified().contains(approver)) {
                    continue;
                }
                String secret = secrets.newSecret();
                String linkHash = LinkSecrets.hash(secret);
                store.putLink(new LinkRecord(linkHash, requestId, approver, request.executionArn(), now, request.expiresAt()));
                String messageId = notifier.send(ApprovalMail.compose(approver, baseUrl + LINK_PATH + secret,
                        request.summary(), request.executionArn(), request.expiresAt(), clock.instant()));
                store.markNotified(requestId, approver);
                sent++;
                log.at(LogLevel.INFO, "approval e-mail sent")
                        .with("approvalId", requestId)
                        .with("approver", approver)
                        .with("link", LinkSecrets.fingerprint(linkHash))
                        .with("snsMessageId", messageId)
                        .write();
            }
            RequestOutcome.Kind kind = sent == 0 && !creation.created() ? RequestOutcome.Kind.ALREADY_SENT : RequestOutcome.Kind.SENT;
            return logged(log, new RequestOutcome(kind, requestId, request.approvers().size(), sent, request.expiresAt()),
                    event, creation.created() ? "created" : "found");
        } catch (SdkException e) {
            log.at(LogLevel.ERROR, "approval request failed; the state machine's Retry decides what next")
                    .with("approvalId", requestId)
                    .with("executionArn", event.executionArn())
                    .with("token", TokenFingerprint.of(event.taskToken()))
                    .with("detail", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .write();
            throw new ApprovalUnavailableException("could not make approval request " + requestId + ": "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private RequestOutcome fail(String token, String executionArn, String error, String cause, RequestOutcome.Kind kind, JsonLog log) {
        CallbackResult result = callbacks.fail(token, error, cause);
        if (result instanceof CallbackResult.Unavailable unavailable) {
            log.at(LogLevel.ERROR, "approval task could not be failed; the state machine's Retry decides what next")
                    .with("error", error).with("executionArn", executionArn).with("token", TokenFingerprint.of(token))
                    .with("detail", unavailable.description()).write();
            throw new ApprovalUnavailableException("could not fail the approval task with " + error + ": " + unavailable.description(), null);
        }
        RequestOutcome.Kind outcome = result instanceof CallbackResult.TaskClosed ? RequestOutcome.Kind.TASK_CLOSED : kind;
        log.at(LogLevel.WARN, "approval task failed at once")
                .with("error", error)
                .with("detail", cause)
                .with("executionArn", executionArn)
                .with("token", TokenFingerprint.of(token))
                .with("outcome", outcome.name())
                .write();
        return new RequestOutcome(outcome, null, approvers.size(), 0, null);
    }

    private static RequestOutcome logged(JsonLog log, RequestOutcome outcome, ApprovalEvent.Valid event, String request) {
        log.at(LogLevel.INFO, "approval requested")
                .with("outcome", outcome.outcome().name())
                .with("approvalId", outcome.requestId())
                .with("executionArn", event.executionArn())
                .with("token", TokenFingerprint.of(event.taskToken()))
                .with("request", request)
                .with("approvers", outcome.approvers())
                .with("sent", outcome.sent())
                .with("expiresAt", outcome.expiresAt() == null ? null : outcome.expiresAt().toString())
                .write();
        return outcome;
    }
}
