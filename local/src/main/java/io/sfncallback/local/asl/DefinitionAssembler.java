package io.sfncallback.local.asl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.sfncallback.local.json.Json;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the project's definition as the root Terraform module does: the core template
 * ({@code statemachine.asl.json}) alone, or, with approval on, the core with the approval module's states
 * ({@code modules/approval/states.asl.json}) added and the worker's task continuing to the approval choice
 * instead of straight to {@code Done}. Both templates are rendered with {@link TemplateRenderer} first.
 */
public final class DefinitionAssembler {

    /** The core's task whose result may ask for approval (the approval states continue to the core's Done). */
    static final String WORKER_STATE = "WaitForWorker";
    /** The approval module's entry state. */
    static final String APPROVAL_ENTRY = "ApprovalRequested";

    private final TemplateRenderer renderer = new TemplateRenderer();

    /**
     * @param core           the core template's text
     * @param approvalStates the approval states template's text (an object of states by name), or empty for
     *                       approval off
     */
    public String assemble(String core, Optional<String> approvalStates, Map<String, String> variables)
            throws InvalidDefinitionException {
        String renderedCore = renderer.render(core, variables);
        if (approvalStates.isEmpty()) {
            return renderedCore;
        }
        JsonObject definition = object(renderedCore, "the state machine template");
        JsonObject states = definition.getAsJsonObject("States");
        JsonObject added = object(renderer.render(approvalStates.get(), variables), "the approval states template");
        if (states == null || !states.has(WORKER_STATE) || !states.get(WORKER_STATE).isJsonObject()) {
            throw new InvalidDefinitionException("the state machine template has no " + WORKER_STATE
                    + " state to continue to the approval states");
        }
        if (!added.has(APPROVAL_ENTRY)) {
            throw new InvalidDefinitionException("the approval states template has no " + APPROVAL_ENTRY + " state");
        }
        for (Map.Entry<String, JsonElement> state : added.entrySet()) {
            if (states.has(state.getKey())) {
                throw new InvalidDefinitionException("the approval states template redefines the state "
                        + state.getKey());
            }
            states.add(state.getKey(), state.getValue());
        }
        states.getAsJsonObject(WORKER_STATE).addProperty("Next", APPROVAL_ENTRY);
        return Json.write(definition);
    }

    private static JsonObject object(String text, String what) throws InvalidDefinitionException {
        Optional<JsonElement> parsed = Json.parseStrict(text);
        if (parsed.isEmpty() || !parsed.get().isJsonObject()) {
            throw new InvalidDefinitionException(what + " does not render to a JSON object");
        }
        return parsed.get().getAsJsonObject();
    }
}
