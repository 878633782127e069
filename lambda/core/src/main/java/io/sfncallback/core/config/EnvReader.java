package io.sfncallback.core.config;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Typed, validated reads of environment variables; every failure names the variable.
 *
 * <p>Public so that the approval handlers ({@code io.sfncallback.approval.config}) read their
 * settings the same way.
 */
public final class EnvReader {

    private static final Pattern JAVA_CLASS_NAME =
            Pattern.compile("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*"
                    + "(\\.[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*)*");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    private final Map<String, String> env;

    public EnvReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The trimmed value, or null when the variable is unset or blank. */
    public String value(String name) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return raw.trim();
    }

    public int integer(String name, int defaultValue, int min, int max) {
        String raw = value(name);
        if (raw == null) {
            return defaultValue;
        }
        int parsed;
        try {
            parsed = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException(name, raw, "is not a whole number");
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(name, raw, "must be between " + min + " and " + max);
        }
        return parsed;
    }

    public String url(String name) {
        String raw = value(name);
        if (raw == null) {
            return null;
        }
        return parseHttpUri(name, raw).toString();
    }

    /** The first of the given variables that is set, as an http(s) URI; null when none is. */
    public URI endpoint(String... names) {
        for (String name : names) {
            String raw = value(name);
            if (raw != null) {
                return parseHttpUri(name, raw);
            }
        }
        return null;
    }

    public String javaClassName(String name, String defaultValue) {
        String raw = value(name);
        if (raw == null) {
            return defaultValue;
        }
        if (!JAVA_CLASS_NAME.matcher(raw).matches()) {
            throw new ConfigException(name, raw, "is not a fully qualified Java class name");
        }
        return raw;
    }

    public String region(String name, String defaultValue) {
        String raw = value(name);
        if (raw == null) {
            return defaultValue;
        }
        if (!REGION.matcher(raw).matches()) {
            throw new ConfigException(name, raw, "is not an AWS region name such as us-east-1");
        }
        return raw;
    }

    public LogLevel logLevel(String name, LogLevel defaultValue) {
        String raw = value(name);
        if (raw == null) {
            return defaultValue;
        }
        try {
            LogLevel level = LogLevel.valueOf(raw.toUpperCase(Locale.ROOT));
            if (level != LogLevel.UNDEFINED) {
                return level;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ConfigException(name, raw, "must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL");
    }

    public <T> T choice(String name, T defaultValue, Map<String, T> choices) {
        String raw = value(name);
        if (raw == null) {
            return defaultValue;
        }
        T chosen = choices.get(raw.toLowerCase(Locale.ROOT));
        if (chosen == null) {
            throw new ConfigException(name, raw, "must be one of " + String.join(", ", choices.keySet().stream().sorted().toList()));
        }
        return chosen;
    }

    private static URI parseHttpUri(String name, String raw) {
        try {
            URI uri = new URI(raw);
            String scheme = uri.getScheme();
            if (uri.getHost() == null || scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new ConfigException(name, raw, "is not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(name, raw, "is not a valid URL (" + e.getReason() + ")");
        }
    }
}
