package io.sfncallback.local.asl;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.spi.json.GsonJsonProvider;
import com.jayway.jsonpath.spi.mapper.GsonMappingProvider;
import java.util.EnumSet;

/** JSONPath over Gson trees, by Jayway JsonPath: the ASL "Path" syntax of Parameters, ErrorPath and friends. */
public final class JsonPaths {

    private static final Gson GSON = new Gson();
    private static final Configuration CONFIGURATION = Configuration.builder()
            .jsonProvider(new GsonJsonProvider(GSON))
            .mappingProvider(new GsonMappingProvider(GSON))
            .options(EnumSet.noneOf(com.jayway.jsonpath.Option.class))
            .build();

    private JsonPaths() {
    }

    /** Compiles a path, or explains why it is not one. */
    public static JsonPath compile(String path) throws InvalidDefinitionException {
        if (path == null || !path.startsWith("$")) {
            throw new InvalidDefinitionException("'" + path + "' is not a JSONPath (it must start with '$')");
        }
        try {
            return JsonPath.compile(path);
        } catch (InvalidPathException | IllegalArgumentException e) {
            throw new InvalidDefinitionException("'" + path + "' is not a valid JSONPath: " + e.getMessage());
        }
    }

    /**
     * Reads {@code path} from {@code document}.
     *
     * @throws com.jayway.jsonpath.PathNotFoundException when the path selects nothing
     */
    public static JsonElement read(JsonPath path, JsonElement document) {
        Object value = JsonPath.using(CONFIGURATION).parse(document.deepCopy()).read(path);
        if (value == null) {
            return JsonNull.INSTANCE;
        }
        return value instanceof JsonElement element ? element : GSON.toJsonTree(value);
    }
}
