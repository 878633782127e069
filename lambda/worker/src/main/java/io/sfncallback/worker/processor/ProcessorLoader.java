package io.sfncallback.worker.processor;

import io.sfncallback.core.config.ConfigException;
import java.lang.reflect.InvocationTargetException;

/** Instantiates the {@link TaskProcessor} named by {@code PROCESSOR_CLASS}, failing fast with its name. */
public final class ProcessorLoader {

    static final String VARIABLE = "PROCESSOR_CLASS";

    private ProcessorLoader() {
    }

    public static TaskProcessor load(String className, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException(VARIABLE, className, "names a class that is not in the deployment package");
        }
        if (!TaskProcessor.class.isAssignableFrom(type)) {
            throw new ConfigException(VARIABLE, className, "does not implement " + TaskProcessor.class.getName());
        }
        try {
            return (TaskProcessor) type.getConstructor().newInstance();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new ConfigException(VARIABLE, className, "needs a public no-argument constructor");
        } catch (InstantiationException e) {
            throw new ConfigException(VARIABLE, className, "is abstract");
        } catch (InvocationTargetException e) {
            throw new ConfigException(VARIABLE, "the constructor of " + className + " threw " + e.getCause(), e.getCause());
        }
    }
}
