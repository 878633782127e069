package io.sfncallback.local.approval;

import io.sfncallback.local.http.LocalHttp;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.owasp.encoder.Encode;

/**
 * A minimal SNS endpoint: the AWS query protocol's {@code Publish} to a topic, as the AWS SDK sends it
 * ({@code POST /}, a form body with {@code Action=Publish&Version=2010-03-31&TopicArn=...&Message=...&Subject=...
 * &MessageAttributes.entry.N.Name=...&MessageAttributes.entry.N.Value.DataType=String
 * &MessageAttributes.entry.N.Value.StringValue=...}), answered in SNS's XML shape
 * ({@code <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">} with the MessageId and a RequestId).
 * Each published message goes to the {@link Outbox}; nothing is e-mailed.
 *
 * <p>Everything else is refused clearly, in the query protocol's error shape ({@code <ErrorResponse><Error><Type>
 * <Code><Message></Error><RequestId>}), which the SDK turns into an exception with that code: another action is
 * {@code InvalidAction} (400, "The action or operation requested is invalid", SNS API reference, Common Error Types);
 * a topic other than the stack's is {@code NotFound} (404, Publish's "the requested resource does not exist"); a
 * phone number or endpoint target, a missing or empty message, a message over 256 KiB, or a subject that is not
 * ASCII, has a line break or is 100 characters or longer is {@code InvalidParameter} (400); the limits are
 * Publish's (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html).
 */
final class LocalSns implements AutoCloseable {

    static final String NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";
    /** Publish: "The maximum size is 256 KB" (262,144 bytes of UTF-8). */
    static final int MAX_MESSAGE_BYTES = 262_144;
    private static final Pattern ATTRIBUTE = Pattern.compile("MessageAttributes\\.entry\\.(\\d+)\\.(Name|Value\\.DataType|Value\\.StringValue|Value\\.BinaryValue)");
    private static final LocalHttp.Limits LIMITS = new LocalHttp.Limits(1024 * 1024, Duration.ofSeconds(30),
            Duration.ofSeconds(30), 128, 8);

    private final Server server;

    private LocalSns(Server server) {
        this.server = server;
    }

    /** Serves {@code topicArns} on {@code host:port} (0 = a free port); {@code log} hears each refused request. */
    static LocalSns start(String host, int port, Set<String> topicArns, Outbox outbox, Clock clock,
            Consumer<String> log) throws Exception {
        return new LocalSns(LocalHttp.start(host, port, "sns-local-http", LIMITS,
                new SnsHandler(Set.copyOf(topicArns), outbox, clock, log)));
    }

    String endpoint() {
        return LocalHttp.endpoint(server);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** A refused request: the query protocol error code, HTTP status and message. */
    private record Refusal(int status, String type, String code, String message) {
    }

    /** Thrown to refuse a Publish. */
    private static final class Refused extends Exception {
        private final transient Refusal refusal;

        Refused(Refusal refusal) {
            super(refusal.message(), null, false, false);
            this.refusal = refusal;
        }
    }

    private static final class SnsHandler extends Handler.Abstract {
        private final Set<String> topicArns;
        private final Outbox outbox;
        private final Clock clock;
        private final Consumer<String> log;

        SnsHandler(Set<String> topicArns, Outbox outbox, Clock clock, Consumer<String> log) {
            super(InvocationType.NON_BLOCKING);
            this.topicArns = topicArns;
            this.outbox = outbox;
            this.clock = clock;
            this.log = log;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!"POST".equals(request.getMethod()) || !"/".equals(request.getHttpURI().getPath())) {
                refuse(response, callback, new Refusal(400, "Sender", "InvalidAction",
                        "The local SNS endpoint answers POST / with a form body (the query protocol) only"));
                return true;
            }
            LocalHttp.body(request, LIMITS).whenComplete((body, failure) -> {
                if (failure instanceof LocalHttp.TooLarge) {
                    refuse(response, callback, new Refusal(413, "Sender", "RequestEntityTooLarge",
                            "The request body is larger than " + LIMITS.maxBodyBytes() + " bytes"));
                } else if (failure instanceof LocalHttp.TooSlow) {
                    refuse(response, callback, new Refusal(408, "Sender", "RequestTimeout",
                            "The request body did not arrive within " + LIMITS.readTimeout().toSeconds() + " s"));
                } else if (failure != null) {
                    callback.failed(failure);
                } else {
                    answer(body, response, callback);
                }
            });
            return true;
        }

        private void answer(byte[] body, Response response, Callback callback) {
            Map<String, String> form;
            try {
                form = form(body);
            } catch (IllegalArgumentException e) {
                refuse(response, callback, new Refusal(400, "Sender", "MalformedQueryString", e.getMessage()));
                return;
            }
            String action = form.get("Action");
            if (action == null) {
                refuse(response, callback, new Refusal(400, "Sender", "MissingAction", "The request has no Action"));
                return;
            }
            if (!action.equals("Publish")) {
                refuse(response, callback, new Refusal(400, "Sender", "InvalidAction", "The local SNS endpoint "
                        + "supports only Publish; Action=" + action + " is not supported"));
                return;
            }
            String messageId;
            try {
                messageId = publish(form);
            } catch (Refused e) {
                refuse(response, callback, e.refusal);
                return;
            }
            String requestId = UUID.randomUUID().toString();
            String xml = "<PublishResponse xmlns=\"" + NAMESPACE + "\"><PublishResult><MessageId>" + messageId
                    + "</MessageId></PublishResult><ResponseMetadata><RequestId>" + requestId
                    + "</RequestId></ResponseMetadata></PublishResponse>";
            LocalHttp.respond(response, callback, 200, "text/xml", Map.of("x-amzn-RequestId", requestId),
                    xml.getBytes(StandardCharsets.UTF_8));
        }

        /** Publishes to the outbox and returns the message id. */
        private String publish(Map<String, String> form) throws Refused {
            if (form.containsKey("TargetArn") || form.containsKey("PhoneNumber")) {
                throw invalid("the local SNS endpoint publishes to topics only (TopicArn), not to a TargetArn or "
                        + "PhoneNumber");
            }
            String topicArn = form.get("TopicArn");
            if (topicArn == null || topicArn.isEmpty()) {
                throw invalid("TopicArn is required");
            }
            if (!topicArns.contains(topicArn)) {
                throw new Refused(new Refusal(404, "Sender", "NotFound", "Topic does not exist: " + topicArn));
            }
            String message = form.get("Message");
            if (message == null || message.isEmpty()) {
                throw invalid("Empty message");
            }
            if (message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
                throw invalid("Message too long: over " + MAX_MESSAGE_BYTES + " bytes");
            }
            if (form.containsKey("MessageStructure")) {
                throw invalid("the local SNS endpoint takes plain messages only (no MessageStructure)");
            }
            String subject = form.get("Subject");
            if (subject != null && (subject.isEmpty() || subject.length() >= 100 || !subject.chars().allMatch(c -> c >= 0x20 && c < 0x7f))) {
                throw invalid("Subject must be ASCII text without line breaks or control characters, shorter than "
                        + "100 characters");
            }
            Map<String, String> attributes;
            try {
                attributes = attributes(form);
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
            String messageId = UUID.randomUUID().toString();
            outbox.add(new Outbox.Message(messageId, topicArn, subject, message, attributes, clock.instant()));
            return messageId;
        }

        private static Refused invalid(String message) {
            return new Refused(new Refusal(400, "Sender", "InvalidParameter", "Invalid parameter: " + message));
        }

        /** The String message attributes; a binary or malformed one is refused. */
        private static Map<String, String> attributes(Map<String, String> form) {
            Map<Integer, Map<String, String>> entries = new TreeMap<>();
            form.forEach((name, value) -> {
                Matcher matcher = ATTRIBUTE.matcher(name);
                if (matcher.matches()) {
                    entries.computeIfAbsent(Integer.parseInt(matcher.group(1)), n -> new LinkedHashMap<>())
                            .put(matcher.group(2), value);
                } else if (name.startsWith("MessageAttributes.")) {
                    throw new IllegalArgumentException("unknown message attribute parameter " + name);
                }
            });
            Map<String, String> attributes = new LinkedHashMap<>();
            for (Map<String, String> entry : entries.values()) {
                String name = entry.get("Name");
                String type = entry.get("Value.DataType");
                String value = entry.get("Value.StringValue");
                if (name == null || type == null) {
                    throw new IllegalArgumentException("a message attribute needs a Name and a Value.DataType");
                }
                if (!type.equals("String") || value == null) {
                    throw new IllegalArgumentException("message attribute " + name + ": the local SNS endpoint "
                            + "takes String attributes only");
                }
                attributes.put(name, value);
            }
            return attributes;
        }

        private void refuse(Response response, Callback callback, Refusal refusal) {
            String requestId = UUID.randomUUID().toString();
            log.accept("refused a request: " + refusal.code() + ": " + refusal.message());
            String xml = "<ErrorResponse xmlns=\"" + NAMESPACE + "\"><Error><Type>" + refusal.type() + "</Type><Code>"
                    + Encode.forXml(refusal.code()) + "</Code><Message>" + Encode.forXml(refusal.message())
                    + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
            LocalHttp.respond(response, callback, refusal.status(), "text/xml", Map.of("x-amzn-RequestId", requestId),
                    xml.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A UTF-8 application/x-www-form-urlencoded body; a parameter given twice is refused. */
    static Map<String, String> form(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the body is not UTF-8");
        }
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] nameValue = pair.split("=", 2);
            String name = URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8);
            String value = nameValue.length > 1 ? URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8) : "";
            if (form.put(name, value) != null) {
                throw new IllegalArgumentException("the parameter " + name + " is given twice");
            }
        }
        return form;
    }
}
