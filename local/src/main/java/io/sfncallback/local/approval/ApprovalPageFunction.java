package io.sfncallback.local.approval;

import com.google.gson.JsonObject;
import java.lang.reflect.Method;

/**
 * The approval page function ({@code io.sfncallback.approval.ApprovalPageHandler}, a
 * {@code RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>}) as API Gateway's HTTP API invokes it:
 * the payload format 2.0 event in, the response out, both as the documented JSON ({@link HttpApiEvents}).
 */
final class ApprovalPageFunction {

    static final String HANDLER_CLASS = "io.sfncallback.approval.ApprovalPageHandler";
    private static final String EVENT_CLASS = "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent";

    private final JarFunction function;
    private final Class<?> eventType;
    private final Method handleRequest;

    ApprovalPageFunction(JarFunction function) throws ReflectiveOperationException {
        this.function = function;
        this.eventType = function.loader().loadClass(EVENT_CLASS);
        this.handleRequest = function.handlerType().getMethod("handleRequest", eventType, function.contextType());
    }

    /** Invokes the function with {@code event}; returns its response, or throws what the function threw. */
    JsonObject handle(JsonObject event) throws Exception {
        Object bound = HttpApiEvents.bind(event, eventType);
        Object response = function.invoke((handler, context) -> handleRequest.invoke(handler, bound, context));
        if (response == null) {
            throw new IllegalStateException("the function returned no response");
        }
        return HttpApiEvents.response(response);
    }
}
