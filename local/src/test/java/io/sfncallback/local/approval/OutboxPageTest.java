package io.sfncallback.local.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxPageTest {

    private static Outbox.Message message(String approver, String subject, String body) {
        return new Outbox.Message("id-1", "arn:aws:sns:us-east-1:123456789012:approvals", subject, body,
                approver == null ? Map.of() : Map.of("approver", approver), Instant.parse("2026-03-01T10:00:00Z"));
    }

    @Test
    void eachLinkInABodyIsAPlainAnchorToItself() {
        String html = OutboxPage.withLinks("Open this link:\n\nhttp://127.0.0.1:8085/approvals/AbC_-1\n\nthen decide.");
        assertEquals("Open this link:\n\n<a href=\"http://127.0.0.1:8085/approvals/AbC_-1\">"
                + "http://127.0.0.1:8085/approvals/AbC_-1</a>\n\nthen decide.", html);
    }

    @Test
    void punctuationAfterALinkStaysText() {
        assertEquals("see <a href=\"https://example.com/a\">https://example.com/a</a>.",
                OutboxPage.withLinks("see https://example.com/a."));
    }

    @Test
    void everythingShownIsEscaped() {
        String html = OutboxPage.render(List.of(message("<script>alert(1)</script>@example.com",
                "Approval requested: <img src=x onerror=alert(2)>",
                "Summary: <b>bold</b> & \"quotes\" 'single'\nhttp://x.test/?a=1&b=<i>\"onmouseover=alert(3)")),
                "arn:aws:sns:us-east-1:123456789012:approvals");
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("<b>"), html);
        assertFalse(html.contains("<i>"), html);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;@example.com"), html);
        assertTrue(html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &#34;quotes&#34; &#39;single&#39;"), html);
        // The URL stops where an attribute could be broken out of; the rest is text.
        assertTrue(html.contains("<a href=\"http://x.test/?a=1&amp;b=\">http://x.test/?a=1&amp;b=</a>&lt;i&gt;"), html);
    }

    @Test
    void theNewestMessageComesFirstAndAMessageWithoutApproverGoesToEverySubscriber() {
        String html = OutboxPage.render(List.of(message("alice@example.com", "first", "one"),
                message(null, "second", "two")), "arn:aws:sns:us-east-1:123456789012:approvals");
        assertTrue(html.indexOf(">second<") < html.indexOf(">first<"), html);
        assertTrue(html.contains("every subscriber of the topic"), html);
        assertTrue(html.contains("<dd class=\"to\">alice@example.com</dd>"), html);
    }

    @Test
    void thePageAllowsNoScript() {
        String policy = OutboxPage.HEADERS.get("Content-Security-Policy");
        assertTrue(policy.startsWith("default-src 'none'; style-src 'sha256-"), policy);
        assertFalse(policy.contains("script-src"), policy);
        assertEquals("nosniff", OutboxPage.HEADERS.get("X-Content-Type-Options"));
    }
}
