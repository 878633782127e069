package io.sfncallback.local.asl;

import com.google.gson.JsonElement;

/**
 * A state's or catcher's ResultPath: where the result goes in the state input. {@code "ResultPath": null}
 * discards the result and passes the input through.
 */
public record ResultPath(ReferencePath path) {

    public static final ResultPath DISCARD = new ResultPath(null);

    public static ResultPath root() {
        try {
            return new ResultPath(ReferencePath.of("$"));
        } catch (InvalidDefinitionException e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonElement apply(JsonElement input, JsonElement result) throws ReferencePath.ResultPathMatchFailure {
        return path == null ? input.deepCopy() : path.write(input, result);
    }
}
