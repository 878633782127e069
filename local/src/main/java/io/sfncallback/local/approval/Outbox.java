package io.sfncallback.local.approval;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every message the local SNS topic was asked to publish, in the order they came, standing in for the approvers'
 * inboxes: the local stack sends no e-mail. It keeps the latest {@link #CAPACITY} messages.
 */
public final class Outbox {

    /** The most messages kept; older ones are dropped first. */
    public static final int CAPACITY = 1_000;

    /**
     * One published message.
     *
     * @param messageId  the id SNS answered with
     * @param topicArn   the topic it was published to
     * @param subject    the Subject (an e-mail's subject line), or null
     * @param body       the Message
     * @param attributes the String message attributes, by name ({@code approver} is whom the e-mail is for: each
     *                   approver's subscription filters on it)
     * @param sentAt     when it was published
     */
    public record Message(String messageId, String topicArn, String subject, String body,
            Map<String, String> attributes, Instant sentAt) {

        public Message {
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(body, "body");
            attributes = Map.copyOf(attributes);
        }

        /** The approver the message is for, or null when it has no {@code approver} attribute (every subscriber). */
        public String approver() {
            return attributes.get("approver");
        }
    }

    private final Deque<Message> messages = new ArrayDeque<>();

    void add(Message message) {
        synchronized (messages) {
            if (messages.size() == CAPACITY) {
                messages.removeFirst();
            }
            messages.addLast(message);
        }
    }

    /** The messages, oldest first. */
    public List<Message> messages() {
        synchronized (messages) {
            return List.copyOf(new ArrayList<>(messages));
        }
    }
}
