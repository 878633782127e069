package io.sfncallback.local.approval;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;
import io.sfncallback.local.functions.LocalFunction;
import io.sfncallback.local.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The approval-request function ({@code io.sfncallback.approval.ApprovalRequestHandler}, a
 * {@code RequestStreamHandler}) as the state machine's {@code lambda:invoke.waitForTaskToken} task invokes it: the
 * task's Payload goes in as JSON bytes, the bytes the handler writes come back as the invoke's response payload, and
 * whatever it throws is the function error (its class name is what the state's Retry and Catch match, such as
 * {@code io.sfncallback.approval.ApprovalUnavailableException}).
 */
final class ApprovalRequestFunction implements LocalFunction {

    static final String HANDLER_CLASS = "io.sfncallback.approval.ApprovalRequestHandler";

    private final JarFunction function;
    private final Method handleRequest;

    ApprovalRequestFunction(JarFunction function) throws NoSuchMethodException {
        this.function = function;
        this.handleRequest = function.handlerType().getMethod("handleRequest", InputStream.class, OutputStream.class,
                function.contextType());
    }

    @Override
    public JsonElement handle(JsonElement payload) throws Exception {
        byte[] input = Json.write(payload).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        function.invoke((handler, context) -> handleRequest.invoke(handler, new ByteArrayInputStream(input), output,
                context));
        String text = output.toString(StandardCharsets.UTF_8);
        if (text.isEmpty()) {
            return JsonNull.INSTANCE;
        }
        // Lambda returns whatever bytes a stream handler wrote; what is not JSON is kept as a string.
        Optional<JsonElement> parsed = Json.parseStrict(text);
        return parsed.orElseGet(() -> new JsonPrimitive(text));
    }
}
