package io.sfncallback.approval.notify;

import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Sends an approval e-mail through the approvals SNS topic, one Publish per approver.
 *
 * <p>Each message carries the String message attribute {@value #APPROVER_ATTRIBUTE} = the approver's
 * address, exactly as configured. Each approver's e-mail subscription has the filter policy
 * {@code {"approver": ["<address>"]}}, so SNS delivers the message, and the link in it, to that
 * approver only. Filter policies apply to every subscription of a topic, e-mail ones included, and
 * match message attributes by default
 * (<a href="https://docs.aws.amazon.com/sns/latest/dg/message-filtering.html">message filtering</a>,
 * <a href="https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering-scope.html">filter policy scope</a>);
 * string matching is case-sensitive
 * (<a href="https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html">filter policy constraints</a>),
 * which is why the address is sent unchanged. The message is a plain string (no
 * {@code MessageStructure=json}): attributes are only sent with string messages
 * (<a href="https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html">message attributes</a>).
 */
public final class ApprovalNotifier {

    public static final String APPROVER_ATTRIBUTE = "approver";

    private final SnsClient sns;
    private final String topicArn;

    public ApprovalNotifier(SnsClient sns, String topicArn) {
        this.sns = Objects.requireNonNull(sns, "sns");
        this.topicArn = Objects.requireNonNull(topicArn, "topicArn");
    }

    /** Publishes the mail; returns SNS's message id. Errors are the SDK's, after its retries. */
    public String send(ApprovalMail mail) {
        return sns.publish(r -> r.topicArn(topicArn)
                .subject(mail.subject())
                .message(mail.body())
                .messageAttributes(Map.of(APPROVER_ATTRIBUTE, MessageAttributeValue.builder()
                        .dataType("String")
                        .stringValue(mail.approver())
                        .build())))
                .messageId();
    }
}
