package io.sfncallback.local.esm;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The worker jar loaded the way the Lambda Java runtime isolates a function: its own {@link URLClassLoader} whose
 * parent is the platform class loader, so none of the stack's libraries (AWS SDK, Gson, Scala) are visible to it.
 * Each {@link Environment} is one execution environment: one handler instance, one invocation at a time.
 */
public final class WorkerFunction implements AutoCloseable {

    private final FunctionSettings settings;
    private final URLClassLoader loader;
    private final LambdaContexts contexts;
    private final SqsEvents events;
    private final LogSink log;

    public WorkerFunction(FunctionSettings settings, String queueArn, LogSink log) throws IOException {
        if (!Files.isRegularFile(settings.jar())) {
            throw new IOException("worker jar not found: " + settings.jar()
                    + " (build it with: " + io.sfncallback.local.config.LocalStackConfig.BUILD_COMMAND + ")");
        }
        this.settings = settings;
        this.log = log;
        this.loader = new URLClassLoader("worker", new URL[] {settings.jar().toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        try {
            this.contexts = new LambdaContexts(loader, log);
            this.events = new SqsEvents(loader, queueArn, settings.region());
            loader.loadClass(settings.handlerClass());
        } catch (ClassNotFoundException e) {
            loader.close();
            throw new IOException("the worker jar " + settings.jar() + " has no class " + e.getMessage(), e);
        }
    }

    public FunctionSettings settings() {
        return settings;
    }

    /** A new execution environment; the handler is constructed on its first invocation (the init phase). */
    public Environment newEnvironment() {
        return new Environment();
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }

    /** One execution environment: the handler instance and its invoke method. Not thread-safe, like Lambda. */
    public final class Environment {
        private Object handler;
        private Method handleRequest;

        /**
         * Invokes the handler with one batch.
         *
         * @throws InvocationFailure when the init or the handler throws (the whole batch failed)
         */
        BatchOutcome invoke(List<Message> batch, long deadlineMillis) throws InvocationFailure {
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(loader);
            try {
                init();
                Object event = events.event(batch);
                String requestId = UUID.randomUUID().toString();
                Object context = contexts.context(settings, requestId, deadlineMillis);
                Object response = handleRequest.invoke(handler, event, context);
                return events.outcome(response, batch);
            } catch (InvocationTargetException e) {
                throw new InvocationFailure(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new InvocationFailure(e);
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }

        /**
         * The init phase: constructs the handler, as Lambda does when it creates the environment.
         *
         * @throws InvocationFailure when the handler's constructor throws (Lambda reports an init error)
         */
        public void init() throws InvocationFailure {
            if (handler != null) {
                return;
            }
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(loader);
            try {
                Class<?> type = loader.loadClass(settings.handlerClass());
                Object instance = type.getConstructor(Map.class).newInstance(settings.environment());
                handleRequest = type.getMethod("handleRequest", events.eventType(), contexts.contextType());
                handler = instance;
            } catch (InvocationTargetException e) {
                throw new InvocationFailure(e.getCause());
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new InvocationFailure(e);
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }
    }

    /** The handler (or its constructor) threw: Lambda fails the whole batch. */
    public static final class InvocationFailure extends Exception {
        InvocationFailure(Throwable cause) {
            super(describe(cause), cause);
        }

        /** The throwable and its causes, one {@code type: message} after the other. */
        private static String describe(Throwable cause) {
            if (cause == null) {
                return "unknown failure";
            }
            StringBuilder text = new StringBuilder(cause.toString());
            for (Throwable t = cause.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
                text.append("; caused by ").append(t);
            }
            return text.toString();
        }
    }
}
