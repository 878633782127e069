package io.sfncallback.worker.message;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;

/**
 * Parses the SQS body that the state machine's {@code sqs:sendMessage.waitForTaskToken} task sends.
 *
 * <p>The body must be one strict JSON object (RFC 8259: no comments, no single quotes, nothing
 * after the object). {@code TaskToken} (or {@code taskToken}) is required and must be a string of
 * 1 to 2048 characters, the limit of SendTaskSuccess / SendTaskFailure
 * (<a href="https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html">API reference</a>).
 * {@code ExecutionArn} is optional and only used for logs; a non-string one is ignored.
 * {@code Input} is optional (absent means {@code {}}) and may be any JSON value. Other fields are
 * ignored; a field the worker reads that appears twice makes the message unusable, because which
 * copy wins would be a guess.
 *
 * <p>Parsing runs in two passes. The first reads the envelope and skips {@code Input} without
 * building it, so a usable token is found even when the input is pathological. The second builds
 * {@code Input} with Gson's nesting limit; an input nested deeper than that yields an
 * {@link UnusableMessage} that still carries the token, so the task can be failed at once instead
 * of waiting for its timeout.
 */
public final class TaskMessageParser {

    /** SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat accept tokens of 1..2048 characters. */
    public static final int MAX_TOKEN_LENGTH = 2048;

    /** Gson's own default nesting limit, applied while building {@code Input}. */
    public static final int MAX_INPUT_NESTING = 255;

    private static final String TOKEN = "TaskToken";
    private static final String TOKEN_LOWER = "taskToken";
    private static final String EXECUTION_ARN = "ExecutionArn";
    private static final String INPUT = "Input";

    public ParsedMessage parse(String body) {
        if (body == null) {
            return UnusableMessage.withoutToken("the message has no body");
        }
        if (body.isBlank()) {
            return UnusableMessage.withoutToken("the body is empty");
        }
        Envelope envelope;
        try {
            envelope = readEnvelope(body);
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            return UnusableMessage.withoutToken("the body is not valid JSON: " + describe(e));
        }
        if (envelope.problem != null) {
            return UnusableMessage.withoutToken(envelope.problem);
        }
        if (!envelope.inputPresent) {
            return new TaskMessage(envelope.token, envelope.executionArn, new JsonObject());
        }
        try {
            return new TaskMessage(envelope.token, envelope.executionArn, readInput(body));
        } catch (IOException | JsonParseException | IllegalStateException e) {
            return new UnusableMessage("Input cannot be used: " + describe(e), envelope.token, envelope.executionArn);
        }
    }

    private static final class Envelope {
        String token;
        String tokenField;
        String executionArn;
        boolean executionArnSeen;
        boolean inputPresent;
        String problem;

        void problem(String text) {
            if (problem == null) {
                problem = text;
            }
        }
    }

    private static Envelope readEnvelope(String body) throws IOException {
        Envelope envelope = new Envelope();
        JsonReader reader = strictReader(body);
        // Skipping does not build anything, so any depth is safe here; Input's depth is checked when it is built.
        reader.setNestingLimit(Integer.MAX_VALUE);
        JsonToken first = reader.peek();
        if (first != JsonToken.BEGIN_OBJECT) {
            envelope.problem("the body is " + describe(first) + ", not a JSON object");
            return envelope;
        }
        reader.beginObject();
        while (reader.hasNext()) {
            String name = reader.nextName();
            switch (name) {
                case TOKEN, TOKEN_LOWER -> readToken(reader, name, envelope);
                case EXECUTION_ARN -> {
                    if (envelope.executionArnSeen) {
                        envelope.problem("the body has ExecutionArn twice");
                    }
                    envelope.executionArnSeen = true;
                    if (reader.peek() == JsonToken.STRING) {
                        envelope.executionArn = reader.nextString();
                    } else {
                        reader.skipValue();
                    }
                }
                case INPUT -> {
                    if (envelope.inputPresent) {
                        envelope.problem("the body has Input twice");
                    }
                    envelope.inputPresent = true;
                    reader.skipValue();
                }
                default -> reader.skipValue();
            }
        }
        reader.endObject();
        if (reader.peek() != JsonToken.END_DOCUMENT) {
            envelope.problem("the body has content after its JSON object");
        }
        if (envelope.tokenField == null) {
            envelope.problem("the body has no TaskToken");
        }
        return envelope;
    }

    private static void readToken(JsonReader reader, String field, Envelope envelope) throws IOException {
        if (envelope.tokenField != null) {
            envelope.problem("the body has more than one task token field (" + envelope.tokenField + " and " + field + ")");
            reader.skipValue();
            return;
        }
        envelope.tokenField = field;
        JsonToken kind = reader.peek();
        if (kind != JsonToken.STRING) {
            envelope.problem(field + " must be a string, not " + describe(kind));
            reader.skipValue();
            return;
        }
        String token = reader.nextString();
        if (token.isBlank()) {
            envelope.problem(field + " is empty");
        } else if (token.length() > MAX_TOKEN_LENGTH) {
            envelope.problem(field + " is " + token.length() + " characters long; Step Functions tokens have at most " + MAX_TOKEN_LENGTH);
        } else {
            envelope.token = token;
        }
    }

    private static JsonElement readInput(String body) throws IOException {
        JsonReader reader = strictReader(body);
        reader.setNestingLimit(MAX_INPUT_NESTING);
        reader.beginObject();
        while (reader.hasNext()) {
            if (INPUT.equals(reader.nextName())) {
                return JsonParser.parseReader(reader);
            }
            reader.skipValue();
        }
        throw new IllegalStateException("Input disappeared between the two passes");
    }

    private static JsonReader strictReader(String body) {
        JsonReader reader = new JsonReader(new StringReader(body));
        reader.setStrictness(Strictness.STRICT);
        return reader;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "a JSON array";
            case STRING -> "a JSON string";
            case NUMBER -> "a JSON number";
            case BOOLEAN -> "a JSON boolean";
            case NULL -> "JSON null";
            case BEGIN_OBJECT -> "a JSON object";
            default -> "empty";
        };
    }

    /** Gson's message without its troubleshooting link and advice to parse leniently. */
    private static String describe(Exception e) {
        Throwable root = e instanceof JsonParseException && e.getCause() != null ? e.getCause() : e;
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int link = message.indexOf("\nSee ");
        if (link >= 0) {
            message = message.substring(0, link);
        }
        return message.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
    }
}
