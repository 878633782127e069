package io.sfncallback.approval.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The e-mail one approver gets: plain text with the request's summary, its expiry and the
 * approver's own link. It holds no task token.
 *
 * @param approver the address, also the message attribute the approver's subscription filters on
 * @param subject  at most 99 printable ASCII characters, as SNS requires of an e-mail subject
 * @param body     the plain-text message
 */
public record ApprovalMail(String approver, String subject, String body) {

    /** SNS Publish: a Subject must be ASCII, without line breaks, and under 100 characters. */
    static final int MAX_SUBJECT_LENGTH = 99;

    public ApprovalMail {
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
    }

    /** The mail for {@code approver} whose link is {@code link}. */
    public static ApprovalMail compose(String approver, String link, String summary, String executionArn,
                                       Instant expiresAt, Instant now) {
        String name = executionName(executionArn);
        String body = "An approval is requested from you (" + approver + ").\n"
                + "\n"
                + "Execution: " + name + "\n"
                + "Expires:   " + expiresAt + " (" + remaining(Duration.between(now, expiresAt)) + " from when this was sent)\n"
                + "\n"
                + "What is to be approved:\n"
                + "\n"
                + summary + "\n"
                + "\n"
                + "Open this link to read the request and approve or reject it:\n"
                + "\n"
                + link + "\n"
                + "\n"
                + "Opening the link decides nothing: the page it opens has Approve and Reject buttons.\n"
                + "The link is yours alone; anyone who has it can decide, so do not forward this e-mail.\n"
                + "It works for one decision and stops working once anyone has decided or the request expires.\n";
        return new ApprovalMail(approver, subject("Approval requested: " + name), body);
    }

    /** The last part of an execution ARN (arn:...:execution:machine:name), or the whole text. */
    public static String executionName(String executionArn) {
        int colon = executionArn.lastIndexOf(':');
        return colon >= 0 && colon < executionArn.length() - 1 ? executionArn.substring(colon + 1) : executionArn;
    }

    static String subject(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_SUBJECT_LENGTH));
        for (int i = 0; i < text.length() && out.length() < MAX_SUBJECT_LENGTH; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
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
