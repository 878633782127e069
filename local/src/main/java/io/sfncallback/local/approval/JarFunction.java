package io.sfncallback.local.approval;

import io.sfncallback.local.config.LocalStackConfig;
import io.sfncallback.local.esm.FunctionSettings;
import io.sfncallback.local.esm.LambdaContexts;
import io.sfncallback.local.esm.LogSink;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * A Lambda function whose handler is a class of a jar, loaded the way the Lambda Java runtime isolates a function:
 * its own {@link URLClassLoader} whose parent is the platform class loader, so none of the stack's libraries are
 * visible to it. Execution environments are made on demand, as Lambda scales out: each is one handler instance
 * (constructed with the function's environment map, the init phase) serving one invocation at a time, up to
 * {@code maxEnvironments} at once; a caller beyond that waits for one to be free.
 */
final class JarFunction implements AutoCloseable {

    /** One invocation of a handler instance with its {@code Context}. */
    @FunctionalInterface
    interface Invocation<T> {
        T call(Object handler, Object context) throws ReflectiveOperationException;
    }

    /** The handler's constructor threw (Lambda's init error), or the class cannot be constructed. */
    static final class InitFailure extends Exception {
        InitFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final FunctionSettings settings;
    private final URLClassLoader loader;
    private final LambdaContexts contexts;
    private final Class<?> handlerType;
    private final Semaphore environments;
    private final Deque<Object> idle = new ArrayDeque<>();

    JarFunction(FunctionSettings settings, int maxEnvironments, LogSink log) throws IOException {
        if (!Files.isRegularFile(settings.jar())) {
            throw new IOException("the function jar was not found: " + settings.jar()
                    + " (build it with: " + LocalStackConfig.BUILD_COMMAND + ")");
        }
        this.settings = settings;
        this.environments = new Semaphore(maxEnvironments, true);
        this.loader = new URLClassLoader(settings.functionName(), new URL[] {settings.jar().toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        try {
            this.contexts = new LambdaContexts(loader, log);
            this.handlerType = loader.loadClass(settings.handlerClass());
        } catch (ClassNotFoundException e) {
            loader.close();
            throw new IOException("the jar " + settings.jar() + " has no class " + e.getMessage()
                    + " (rebuild it with: " + LocalStackConfig.BUILD_COMMAND + ")", e);
        }
    }

    Class<?> handlerType() {
        return handlerType;
    }

    Class<?> contextType() {
        return contexts.contextType();
    }

    ClassLoader loader() {
        return loader;
    }

    /** Initialises one environment now, as the stack does at start-up so that a bad configuration stops the start. */
    void warmUp() throws InitFailure, InterruptedException {
        environments.acquire();
        try {
            Object handler = newHandler();
            synchronized (idle) {
                idle.push(handler);
            }
        } finally {
            environments.release();
        }
    }

    /**
     * Runs {@code invocation} on a free environment (a new one when none is idle).
     *
     * @throws Exception whatever the handler threw, unwrapped, or {@link InitFailure} when a new environment could
     *                   not be initialised
     */
    <T> T invoke(Invocation<T> invocation) throws Exception {
        environments.acquire();
        try {
            Object handler;
            synchronized (idle) {
                handler = idle.poll();
            }
            if (handler == null) {
                handler = newHandler();
            }
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(loader);
            try {
                Object context = contexts.context(settings, UUID.randomUUID().toString(),
                        System.currentTimeMillis() + settings.timeoutSeconds() * 1000L);
                return invocation.call(handler, context);
            } catch (InvocationTargetException e) {
                throw unwrap(e.getCause());
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
                synchronized (idle) {
                    idle.push(handler);
                }
            }
        } finally {
            environments.release();
        }
    }

    private Object newHandler() throws InitFailure {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            return handlerType.getConstructor(Map.class).newInstance(settings.environment());
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new InitFailure(settings.functionName() + " could not initialise: " + cause, cause);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new InitFailure(settings.functionName() + ": " + settings.handlerClass()
                    + " has no public constructor taking the environment map: " + e, e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static Exception unwrap(Throwable cause) {
        if (cause instanceof Exception exception) {
            return exception;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }
}
