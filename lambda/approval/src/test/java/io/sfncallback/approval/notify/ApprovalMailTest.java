package io.sfncallback.approval.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ApprovalMailTest {

    @Test
    void theMailHasTheSummaryTheExpiryAndTheLinkInPlainText() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        ApprovalMail mail = ApprovalMail.compose("a@example.com", "https://x.example/approvals/abc", "Buy <3> laptops",
                "arn:aws:states:us-east-1:123456789012:execution:machine:order-42", now.plus(Duration.ofDays(1)), now);

        assertThat(mail.subject()).isEqualTo("Approval requested: order-42");
        assertThat(mail.body()).contains("Buy <3> laptops").contains("https://x.example/approvals/abc")
                .contains("2030-01-02T00:00:00Z (1 day from when this was sent)").contains("a@example.com");
    }

    @Test
    void theSubjectIsPrintableAsciiUnder100Characters() {
        assertThat(ApprovalMail.subject("Zürich\nrun " + "x".repeat(200))).hasSize(99).matches("[\\x20-\\x7e]+").startsWith("Z?rich?run");
    }

    @Test
    void theRemainingTimeReadsNaturally() {
        assertThat(ApprovalMail.remaining(Duration.ofSeconds(90))).isEqualTo("1 minute");
        assertThat(ApprovalMail.remaining(Duration.ofMinutes(150))).isEqualTo("2 hours 30 minutes");
        assertThat(ApprovalMail.remaining(Duration.ofDays(2))).isEqualTo("2 days");
        assertThat(ApprovalMail.remaining(Duration.ofSeconds(1))).isEqualTo("1 second");
    }
}
