package io.sfncallback.local.approval;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.owasp.encoder.Encode;

/**
 * The outbox as an HTML page, newest message first: to whom (the {@code approver} attribute), the subject, when, and
 * the body, whose http(s) links are plain {@code <a href>} elements. Everything is HTML-escaped with the OWASP Java
 * Encoder (the library the approval page escapes with); the page has no script and its policy allows none.
 */
final class OutboxPage {

    /** A link in a message body: up to the next white space or a character that cannot end a URL in text. */
    static final Pattern LINK = Pattern.compile("https?://[^\\s<>\"']+");

    static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;"
            + "line-height:1.5;color:#1b1b1b}h1{font-size:1.5rem}article{border:1px solid #ccc;border-radius:4px;"
            + "padding:0 1rem 1rem;margin:1rem 0}dt{font-weight:600}dd{margin:0 0 .25rem}"
            + "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;padding:.5rem}"
            + ".note{color:#555;font-size:.9rem}";

    /** No script at all; the one inline style sheet is allowed by its hash; links open as plain navigations. */
    static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'none'; style-src '" + sha256(STYLE) + "'; form-action 'none'; "
                    + "frame-ancestors 'none'; base-uri 'none'",
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-store");

    private OutboxPage() {
    }

    static String render(List<Outbox.Message> messages, String topicArn) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>Outbox: approval e-mails</title><style>" + STYLE + "</style></head><body>"
                + "<h1>Outbox: approval e-mails</h1>"
                + "<p class=\"note\">The local stack sends no e-mail: every message published to "
                + Encode.forHtml(topicArn) + " is listed here instead, newest first. Reload the page to see new ones. "
                + "Each approver's subscription gets only the messages whose <code>approver</code> attribute is "
                + "their address.</p>");
        if (messages.isEmpty()) {
            html.append("<p id=\"empty\">No message yet. Start an execution with "
                    + "<code>{&quot;mode&quot;:&quot;approval&quot;,&quot;summary&quot;:&quot;...&quot;}</code>.</p>");
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            Outbox.Message message = messages.get(i);
            html.append("<article class=\"message\"><dl>")
                    .append("<dt>To</dt><dd class=\"to\">")
                    .append(message.approver() == null ? "every subscriber of the topic" : Encode.forHtml(message.approver()))
                    .append("</dd><dt>Subject</dt><dd class=\"subject\">")
                    .append(message.subject() == null ? "(none)" : Encode.forHtml(message.subject()))
                    .append("</dd><dt>Sent</dt><dd class=\"sent\">")
                    .append(Encode.forHtml(DateTimeFormatter.ISO_INSTANT.format(message.sentAt().truncatedTo(ChronoUnit.SECONDS))))
                    .append("</dd><dt>Message id</dt><dd>").append(Encode.forHtml(message.messageId()))
                    .append("</dd></dl><pre class=\"body\">").append(withLinks(message.body())).append("</pre></article>");
        }
        return html.append("</body></html>").toString();
    }

    /** The text escaped, with each http(s) URL in it as a link to itself. */
    static String withLinks(String text) {
        StringBuilder out = new StringBuilder();
        Matcher link = LINK.matcher(text);
        int last = 0;
        while (link.find()) {
            String url = link.group();
            // Punctuation that ends a sentence is not part of the link.
            int end = url.length();
            while (end > 0 && ".,;:!?)".indexOf(url.charAt(end - 1)) >= 0) {
                end--;
            }
            url = url.substring(0, end);
            if (url.isEmpty() || url.endsWith("://")) {
                continue;
            }
            out.append(Encode.forHtml(text.substring(last, link.start())));
            out.append("<a href=\"").append(Encode.forHtmlAttribute(url)).append("\">")
                    .append(Encode.forHtml(url)).append("</a>");
            last = link.start() + url.length();
        }
        return out.append(Encode.forHtml(text.substring(last))).toString();
    }

    private static String sha256(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256-" + java.util.Base64.getEncoder().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
