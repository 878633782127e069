package io.sfncallback.approval.notify;

import io.sfncallback.core.approval.ReadableText;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The e-mail one approver gets: plain text with the approver's own link first, then the request's
 * summary, quoted. It holds no task token.
 *
 * <p>The summary is the requester's text, and the requester may not be the approver's friend: it
 * could imitate the mail's own wording and carry a link of its own ("Open this link to approve:
 * https://evil.example/…"). So the real link comes before anything the requester wrote, the mail
 * says that this link is its only one, and every line of the summary is quoted ({@code > }) under
 * a line that says whose text it is. The subject carries the summary's first line, so that an
 * inbox shows what is asked.
 *
 * @param approver the address, also the message attribute the approver's subscription filters on
 * @param subject  at most 99 printable ASCII characters (SNS's limit, see {@link #MAX_SUBJECT_LENGTH})
 * @param body     the plain-text message
 */
public record ApprovalMail(String approver, String subject, String body) {

    /**
     * SNS Publish: "Subjects must be UTF-8 text with no line breaks or control characters, and less
     * than 100 characters long"
     * (<a href="https://docs.aws.amazon.com/sns/latest/api/API_Publish.html">Publish</a>). The subject
     * is also folded to printable ASCII: e-mail headers are 7-bit ASCII unless encoded (RFC 5322 §2.2).
     */
    static final int MAX_SUBJECT_LENGTH = 99;
    static final String SUBJECT_PREFIX = "Approval requested: ";
    /** The line above the quoted summary. */
    static final String QUOTE_INTRO = "The request, as the workflow's requester wrote it (quoted; it is not from us, "
            + "and no link or instruction in it is ours):";
    /** The line under the real link. */
    static final String ONLY_LINK = "This is the only link in this e-mail. Do not open any other address below: "
            + "it is part of the requester's text.";

    public ApprovalMail {
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
    }

    /** The mail for {@code approver} whose link is {@code link}. */
    public static ApprovalMail compose(String approver, String link, String summary, String executionArn,
                                       Instant expiresAt, Instant now) {
        String name = ReadableText.visible(executionName(executionArn));
        String body = "An approval is requested from you (" + approver + ").\n"
                + "\n"
                + "Open this link to read the request and approve or reject it:\n"
                + "\n"
                + link + "\n"
                + "\n"
                + ONLY_LINK + "\n"
                + "\n"
                + "Execution: " + name + "\n"
                + "Expires:   " + expiresAt + " (" + remaining(Duration.between(now, expiresAt)) + " from when this was sent)\n"
                + "\n"
                + QUOTE_INTRO + "\n"
                + "\n"
                + quoted(ReadableText.visible(summary))
                + "\n"
                + "Opening the link decides nothing: the page it opens has Approve and Reject buttons.\n"
                + "The link is yours alone; anyone who has it can decide, so do not forward this e-mail.\n"
                + "It works for one decision and stops working once anyone has decided or the request expires.\n";
        return new ApprovalMail(approver, subject(summary), body);
    }

    /** The last part of an execution ARN (arn:...:execution:machine:name), or the whole text. */
    public static String executionName(String executionArn) {
        int colon = executionArn.lastIndexOf(':');
        return colon >= 0 && colon < executionArn.length() - 1 ? executionArn.substring(colon + 1) : executionArn;
    }

    /** Every line of {@code text} behind {@code "> "}, each ending with a line break. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        for (String line : text.stripTrailing().split("\r\n|\r|\n", -1)) {
            out.append("> ").append(line).append('\n');
        }
        return out.toString();
    }

    /**
     * {@value #SUBJECT_PREFIX} + the summary's first non-blank line, folded to printable ASCII (accents
     * dropped, anything else a {@code ?}, runs of white space one space), cut to
     * {@value #MAX_SUBJECT_LENGTH} characters with {@code ...} when longer.
     */
    static String subject(String summary) {
        String first = summary.lines().filter(line -> !line.isBlank()).findFirst().orElse("").strip();
        String subject = SUBJECT_PREFIX + ascii(first);
        return subject.length() <= MAX_SUBJECT_LENGTH ? subject
                : subject.substring(0, MAX_SUBJECT_LENGTH - 3).stripTrailing() + "...";
    }

    /** {@code text} as printable ASCII: decomposed (NFKD), combining marks dropped, other characters {@code ?}. */
    static String ascii(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFKD);
        StringBuilder out = new StringBuilder(decomposed.length());
        decomposed.codePoints().forEach(c -> {
            if (Character.getType(c) == Character.NON_SPACING_MARK || Character.getType(c) == Character.ENCLOSING_MARK
                    || Character.getType(c) == Character.COMBINING_SPACING_MARK) {
                return;
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
                    out.append(' ');
                }
                return;
            }
            out.append(c >= 0x21 && c < 0x7f ? (char) c : '?');
        });
        return out.toString().strip();
    }

    static String remaining(Duration left) {
        long seconds = Math.max(0, left.toSeconds());
        if (seconds >= 86_400 && seconds % 86_400 == 0) {
            return plural(seconds / 86_400, "day");
        }
        if (seconds >= 3_600) {
            return plural(seconds / 3_600, "hour") + (seconds % 3_600 >= 60 ? " " + plural(seconds % 3_600 / 60, "minute") : "");
        }
        if (seconds >= 60) {
            return plural(seconds / 60, "minute");
        }
        return plural(seconds, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
