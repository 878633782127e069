package io.sfncallback.approval.page;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A strict {@code application/x-www-form-urlencoded} decoder for the decision form.
 *
 * <p>Unlike {@link java.net.URLDecoder} it refuses what it cannot decode instead of guessing: a
 * {@code %} not followed by two hex digits, bytes that are not UTF-8, a field given twice, or more
 * fields than a form can have. The format is the WHATWG URL Standard's
 * (<a href="https://url.spec.whatwg.org/#application/x-www-form-urlencoded">application/x-www-form-urlencoded</a>):
 * {@code +} is a space.
 */
final class FormDecoder {

    static final int MAX_FIELDS = 16;

    /** The body could not be decoded; {@code reason} says why, for the 400 page. */
    static final class MalformedFormException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedFormException(String reason) {
            super(reason);
        }
    }

    private FormDecoder() {
    }

    static Map<String, String> decode(String body) throws MalformedFormException {
        Map<String, String> fields = new HashMap<>();
        if (body == null || body.isEmpty()) {
            return fields;
        }
        String[] pairs = body.split("&", -1);
        if (pairs.length > MAX_FIELDS) {
            throw new MalformedFormException("the form has more than " + MAX_FIELDS + " fields");
        }
        for (String pair : pairs) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decodeComponent(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decodeComponent(pair.substring(equals + 1));
            if (fields.putIfAbsent(name, value) != null) {
                throw new MalformedFormException("the form field '" + name + "' is given more than once");
            }
        }
        return fields;
    }

    static String decodeComponent(String text) throws MalformedFormException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= text.length() || hex(text.charAt(i + 1)) < 0 || hex(text.charAt(i + 2)) < 0) {
                    throw new MalformedFormException("the form has a '%' that is not followed by two hex digits");
                }
                bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 2;
            } else if (c > 0x7f) {
                throw new MalformedFormException("the form has a character that is not percent-encoded");
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFormException("the form is not UTF-8");
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
