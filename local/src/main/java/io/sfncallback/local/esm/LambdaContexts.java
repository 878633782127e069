package io.sfncallback.local.esm;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;

/**
 * Builds the {@code com.amazonaws.services.lambda.runtime.Context} and {@code LambdaLogger} the handler gets, as
 * dynamic proxies of the interfaces loaded by the function's own class loader: the stack never links
 * aws-lambda-java-core itself, so the jar's copy is the only one in play. Used for the worker and for the approval
 * functions, each with its own class loader.
 */
public final class LambdaContexts {

    private final ClassLoader loader;
    private final Class<?> contextType;
    private final Class<?> loggerType;
    private final Object logger;

    public LambdaContexts(ClassLoader loader, LogSink sink) throws ClassNotFoundException {
        this.loader = loader;
        this.contextType = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
        this.loggerType = loader.loadClass("com.amazonaws.services.lambda.runtime.LambdaLogger");
        this.logger = Proxy.newProxyInstance(loader, new Class<?>[] {loggerType}, loggerHandler(sink));
    }

    public Class<?> contextType() {
        return contextType;
    }

    /** A Context for one invocation whose remaining time counts down to {@code deadlineMillis}. */
    public Object context(FunctionSettings function, String requestId, long deadlineMillis) {
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "getAwsRequestId" -> requestId;
            case "getLogGroupName" -> "/aws/lambda/" + function.functionName();
            case "getLogStreamName" -> "local/[$LATEST]" + requestId.replace("-", "");
            case "getFunctionName" -> function.functionName();
            case "getFunctionVersion" -> "$LATEST";
            case "getInvokedFunctionArn" -> function.functionArn();
            case "getIdentity", "getClientContext", "getXrayTraceId", "getTenantId" -> null;
            case "getRemainingTimeInMillis" -> (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
            case "getMemoryLimitInMB" -> function.memorySizeMb();
            case "getLogger" -> logger;
            case "toString" -> "LocalLambdaContext[" + requestId + "]";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, args) : null;
        };
        return Proxy.newProxyInstance(loader, new Class<?>[] {contextType}, handler);
    }

    private static InvocationHandler loggerHandler(LogSink sink) {
        return (proxy, method, args) -> {
            switch (method.getName()) {
                case "log" -> {
                    sink.line(args.length > 1 ? String.valueOf(args[1]) : "UNDEFINED", text(args[0]));
                    return null;
                }
                case "toString" -> {
                    return "LocalLambdaLogger";
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                default -> {
                    return method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, args) : null;
                }
            }
        };
    }

    private static String text(Object message) {
        String text = message instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : String.valueOf(message);
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
