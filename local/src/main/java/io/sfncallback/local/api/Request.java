package io.sfncallback.local.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The JSON body of one API call with typed, validated access to its members: a member of the wrong JSON type is a
 * SerializationException, a constraint violation a ValidationException with the wording AWS uses.
 */
final class Request {

    private final JsonObject body;

    Request(JsonObject body) {
        this.body = body;
    }

    String requiredString(String member, int minLength, int maxLength) throws ApiException {
        String value = optionalString(member, minLength, maxLength);
        if (value == null) {
            throw ApiException.validation("Value null at '" + member + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    String optionalString(String member, int minLength, int maxLength) throws ApiException {
        JsonElement value = body.get(member);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new ApiException("SerializationException", "Member '" + member + "' must be a string");
        }
        String text = value.getAsString();
        // Lengths count characters (code points), so an emoji counts once, not as two UTF-16 units.
        checkLength(member, text.codePointCount(0, text.length()), minLength, maxLength);
        return text;
    }

    /** A string whose limit counts UTF-8 bytes (the 256 KiB payload quota). */
    String optionalPayload(String member, int maxBytes) throws ApiException {
        String text = optionalString(member, 0, Integer.MAX_VALUE);
        if (text != null) {
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxBytes) {
                throw ApiException.validation("Value at '" + member + "' failed to satisfy constraint: "
                        + "Member must have length less than or equal to " + maxBytes);
            }
        }
        return text;
    }

    int optionalInt(String member, int min, int max, int absent) throws ApiException {
        JsonElement value = body.get(member);
        if (value == null || value.isJsonNull()) {
            return absent;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw new ApiException("SerializationException", "Member '" + member + "' must be an integer");
        }
        int number;
        try {
            number = value.getAsBigDecimal().intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new ApiException("SerializationException", "Member '" + member + "' must be an integer");
        }
        if (number < min) {
            throw ApiException.validation("Value '" + number + "' at '" + member
                    + "' failed to satisfy constraint: Member must have value greater than or equal to " + min);
        }
        if (number > max) {
            throw ApiException.validation("Value '" + number + "' at '" + member
                    + "' failed to satisfy constraint: Member must have value less than or equal to " + max);
        }
        return number;
    }

    boolean optionalBoolean(String member, boolean absent) throws ApiException {
        JsonElement value = body.get(member);
        if (value == null || value.isJsonNull()) {
            return absent;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw new ApiException("SerializationException", "Member '" + member + "' must be a boolean");
        }
        return value.getAsBoolean();
    }

    private static void checkLength(String member, int length, int min, int max) throws ApiException {
        if (length < min) {
            throw ApiException.validation("Value at '" + member
                    + "' failed to satisfy constraint: Member must have length greater than or equal to " + min);
        }
        if (length > max) {
            throw ApiException.validation("Value at '" + member
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + max);
        }
    }
}
