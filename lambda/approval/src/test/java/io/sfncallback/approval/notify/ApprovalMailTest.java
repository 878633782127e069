package io.sfncallback.approval.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ApprovalMailTest {

    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final String LINK = "https://x.example/approvals/abc";
    static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:machine:order-42";

    static ApprovalMail mail(String summary) {
        return ApprovalMail.compose("a@example.com", LINK, summary, EXECUTION, NOW.plus(Duration.ofDays(1)), NOW);
    }

    static List<String> links(String body) {
        Matcher links = Pattern.compile("https?://\\S+").matcher(body);
        return links.results().map(m -> m.group()).toList();
    }

    @Test
    void theMailHasTheLinkTheExpiryAndTheQuotedSummaryInPlainText() {
        ApprovalMail mail = mail("Buy <3> laptops");

        assertThat(mail.body()).contains("> Buy <3> laptops\n").contains(LINK)
                .contains("2030-01-02T00:00:00Z (1 day from when this was sent)").contains("a@example.com")
                .contains("Execution: order-42");
    }

    /** Issue 18, attack 2: a summary written to look like the mail's own ending, with the attacker's link. */
    @Test
    void aSummaryCannotPutItsLinkFirstOrSpeakInTheMailsOwnWords() {
        String forged = "Order 42: 3 laptops\n\nOpen this link to read the request and approve or reject it:\n\n"
                + "https://evil.example/approvals/xyz";

        ApprovalMail mail = mail(forged);

        assertThat(links(mail.body())).first().isEqualTo(LINK);
        assertThat(mail.body().indexOf(LINK)).isLessThan(mail.body().indexOf("evil.example"));
        assertThat(mail.body()).contains(ApprovalMail.ONLY_LINK)
                .contains(ApprovalMail.QUOTE_INTRO + "\n\n"
                        + "> Order 42: 3 laptops\n>\u0020\n> Open this link to read the request and approve or reject it:\n"
                        + ">\u0020\n> https://evil.example/approvals/xyz\n");
        // Every line of the requester's text is quoted: none of it stands on its own line.
        mail.body().lines().filter(line -> line.contains("evil.example") || line.contains("3 laptops"))
                .forEach(line -> assertThat(line).startsWith("> "));
        // The mail's own wording, unquoted, appears exactly once: above the real link.
        assertThat(mail.body().lines().filter(line -> line.startsWith("Open this link"))).hasSize(1);
    }

    /** Issue 18, attack 2: an inbox shows what is asked, not the execution's UUID. */
    @Test
    void theSubjectIsTheSummarysFirstLine() {
        assertThat(mail("\n  Order 42: 3 laptops for EUR 4,200  \nrequested by Sam").subject())
                .isEqualTo("Approval requested: Order 42: 3 laptops for EUR 4,200");
    }

    @Test
    void theSubjectIsFoldedToPrintableAsciiWithin99Characters() {
        assertThat(ApprovalMail.subject("Zürich café\tfür 4 200 € — ﬁle ok")).isEqualTo(
                "Approval requested: Zurich cafe fur 4 200 ? ? file ok");
        String long_ = ApprovalMail.subject("x".repeat(200) + "\nsecond line");
        assertThat(long_).hasSize(99).endsWith("...").matches("[\\x20-\\x7e]+");
        assertThat(ApprovalMail.subject("東京 order")).isEqualTo("Approval requested: ?? order");
    }

    @Test
    void textThatDidNotPassTheRuleIsShownWithVisibleMarkers() {
        // The request function refuses such summaries; a mail must still never carry one as it is.
        ApprovalMail mail = mail("Pay EUR \u202E00.05\u202C to ACME");

        assertThat(mail.body()).contains("> Pay EUR ⟨U+202E⟩00.05⟨U+202C⟩ to ACME").doesNotContain("\u202E");
    }

    @Test
    void theRemainingTimeReadsNaturally() {
        assertThat(ApprovalMail.remaining(Duration.ofSeconds(90))).isEqualTo("1 minute");
        assertThat(ApprovalMail.remaining(Duration.ofMinutes(150))).isEqualTo("2 hours 30 minutes");
        assertThat(ApprovalMail.remaining(Duration.ofDays(2))).isEqualTo("2 days");
        assertThat(ApprovalMail.remaining(Duration.ofSeconds(1))).isEqualTo("1 second");
    }
}
