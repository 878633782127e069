package io.sfncallback.core.config;

/** A setting has a value the worker cannot run with; the message names the variable. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private static final int MAX_VALUE_SHOWN = 80;

    private final String variable;

    public ConfigException(String variable, String value, String problem) {
        super(variable + "=" + shown(value) + " " + problem);
        this.variable = variable;
    }

    public ConfigException(String variable, String message, Throwable cause) {
        super(variable + ": " + message, cause);
        this.variable = variable;
    }

    /** The environment variable at fault. */
    public String variable() {
        return variable;
    }

    private static String shown(String value) {
        String quoted = value.length() > MAX_VALUE_SHOWN ? value.substring(0, MAX_VALUE_SHOWN) + "…" : value;
        return "'" + quoted + "'";
    }
}
