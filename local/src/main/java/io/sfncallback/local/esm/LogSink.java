package io.sfncallback.local.esm;

/** Where the worker's log lines (LambdaLogger) and the mapping's own notes go. */
@FunctionalInterface
public interface LogSink {

    /** {@code level} is the LogLevel the worker passed (or UNDEFINED); {@code line} has no trailing newline. */
    void line(String level, String line);

    static LogSink stdout() {
        return (level, line) -> System.out.println(line);
    }
}
