package io.sfncallback.approval.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonParser;
import io.sfncallback.approval.ApprovalUnavailableException;
import io.sfncallback.approval.link.LinkSecrets;
import io.sfncallback.approval.notify.ApprovalMail;
import io.sfncallback.approval.notify.ApprovalNotifier;
import io.sfncallback.approval.store.ApprovalStore;
import io.sfncallback.approval.store.LinkRecord;
import io.sfncallback.approval.store.RequestRecord;
import io.sfncallback.approval.store.Status;
import io.sfncallback.core.callback.CallbackResult;
import io.sfncallback.core.callback.TaskCallbacks;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.testkit.CapturingLogger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import software.amazon.awssdk.services.sns.model.SnsException;

class ApprovalRequesterTest {

    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final String TOKEN = "the-task-token";
    static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:m:run-1";

    private final ApprovalStore store = mock(ApprovalStore.class);
    private final ApprovalNotifier notifier = mock(ApprovalNotifier.class);
    private final TaskCallbacks callbacks = mock(TaskCallbacks.class);
    private final CapturingLogger logger = new CapturingLogger();
    private final JsonLog log = new JsonLog(logger, LogLevel.DEBUG, "r", Clock.systemUTC());

    private ApprovalRequester requester(List<String> approvers) {
        return new ApprovalRequester(store, notifier, callbacks, new LinkSecrets(), approvers, "https://x.example",
                Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static String payload(String summaryJson) {
        return "{\"TaskToken\":\"" + TOKEN + "\",\"ExecutionArn\":\"" + EXECUTION + "\",\"Request\":" + summaryJson + "}";
    }

    private static RequestRecord record(Status status, Set<String> notified) {
        return new RequestRecord(LinkSecrets.requestId(TOKEN), TOKEN, EXECUTION, "s", List.of("a@example.com", "b@example.com"),
                NOW, NOW.plusSeconds(3600), status, new byte[32], notified, null, null, null, null);
    }

    @Test
    void eachApproversLinkIsStoredBeforeItIsSentAndMarkedAfter() {
        when(store.createRequest(any())).thenReturn(new ApprovalStore.Creation(record(Status.PENDING, Set.of()), true));
        when(notifier.send(any())).thenReturn("m-1");

        RequestOutcome outcome = requester(List.of("a@example.com", "b@example.com"))
                .handle(JsonParser.parseString(payload("{\"summary\":\"s\"}")), log);

        assertThat(outcome.outcome()).isEqualTo(RequestOutcome.Kind.SENT);
        assertThat(outcome.sent()).isEqualTo(2);
        InOrder order = inOrder(store, notifier);
        ArgumentCaptor<LinkRecord> link = ArgumentCaptor.forClass(LinkRecord.class);
        ArgumentCaptor<ApprovalMail> mail = ArgumentCaptor.forClass(ApprovalMail.class);
        order.verify(store).putLink(link.capture());
        order.verify(notifier).send(mail.capture());
        order.verify(store).markNotified(LinkSecrets.requestId(TOKEN), "a@example.com");
        String secret = mail.getValue().body().replaceAll("(?s).*https://x\\.example/approvals/([A-Za-z0-9_-]{43}).*", "$1");
        assertThat(LinkSecrets.hash(secret)).as("the link sent is the link stored").isEqualTo(link.getValue().linkHash());
        assertThat(mail.getValue().body()).doesNotContain(TOKEN);
        assertThat(outcome.toJson().toString()).doesNotContain(TOKEN).doesNotContain(secret);
        assertThat(logger.all()).doesNotContain(TOKEN).doesNotContain(secret);
    }

    @Test
    void aRetrySendsOnlyToApproversNotYetNotified() {
        when(store.createRequest(any())).thenReturn(new ApprovalStore.Creation(record(Status.PENDING, Set.of("a@example.com")), false));

        RequestOutcome outcome = requester(List.of("a@example.com", "b@example.com")).handle(JsonParser.parseString(payload("{\"summary\":\"s\"}")), log);

        assertThat(outcome.sent()).isEqualTo(1);
        verify(notifier).send(org.mockito.ArgumentMatchers.argThat(m -> m.approver().equals("b@example.com")));
        verify(store, never()).markNotified(anyString(), eq("a@example.com"));
    }

    @Test
    void aRetryAfterTheDecisionSendsNothing() {
        when(store.createRequest(any())).thenReturn(new ApprovalStore.Creation(record(Status.APPROVED, Set.of("a@example.com")), false));

        RequestOutcome outcome = requester(List.of("a@example.com", "b@example.com")).handle(JsonParser.parseString(payload("{\"summary\":\"s\"}")), log);

        assertThat(outcome.outcome()).isEqualTo(RequestOutcome.Kind.ALREADY_DONE);
        verifyNoInteractions(notifier);
    }

    @Test
    void anSnsFailureFailsTheInvocationForTheStateMachinesRetry() {
        when(store.createRequest(any())).thenReturn(new ApprovalStore.Creation(record(Status.PENDING, Set.of()), true));
        when(notifier.send(any())).thenThrow(SnsException.builder().message("Rate exceeded").build());

        assertThatThrownBy(() -> requester(List.of("a@example.com")).handle(JsonParser.parseString(payload("{\"summary\":\"s\"}")), log))
                .isInstanceOf(ApprovalUnavailableException.class).hasMessageContaining("Rate exceeded").hasMessageNotContaining(TOKEN);
        verify(store, never()).markNotified(anyString(), anyString());
    }

    @Test
    void aFailureCallbackThatCannotBeDeliveredFailsTheInvocation() {
        when(callbacks.fail(anyString(), anyString(), anyString())).thenReturn(new CallbackResult.Unavailable("throttled"));

        assertThatThrownBy(() -> requester(List.of()).handle(JsonParser.parseString(payload("{\"summary\":\"s\"}")), log))
                .isInstanceOf(ApprovalUnavailableException.class).hasMessageContaining("Approval.NoApprovers");
        verifyNoInteractions(store, notifier);
    }

    @Test
    void aTaskThatClosedBeforeItCouldBeFailedIsNoError() {
        when(callbacks.fail(anyString(), anyString(), anyString())).thenReturn(new CallbackResult.TaskClosed("TaskTimedOut", "late"));

        RequestOutcome outcome = requester(List.of("a@example.com")).handle(JsonParser.parseString(payload("{\"summary\":\"\"}")), log);

        assertThat(outcome.outcome()).isEqualTo(RequestOutcome.Kind.TASK_CLOSED);
    }

    @Test
    void aPayloadWithoutATokenFailsTheInvocation() {
        assertThatThrownBy(() -> requester(List.of("a@example.com")).handle(JsonParser.parseString("{\"Request\":{\"summary\":\"s\"}}"), log))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TaskToken");
        assertThatThrownBy(() -> requester(List.of("a@example.com")).handle(null, log)).isInstanceOf(IllegalArgumentException.class);
        verifyNoInteractions(callbacks, store, notifier);
    }
}
