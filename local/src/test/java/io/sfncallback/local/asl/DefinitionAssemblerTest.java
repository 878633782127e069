package io.sfncallback.local.asl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.sfncallback.local.json.Json;
import io.sfncallback.local.support.Definitions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The local stack assembles the definition as the root Terraform module does (approval_enabled on or off). */
class DefinitionAssemblerTest {

    private static final Set<String> APPROVAL_STATES =
            Set.of("ApprovalRequested", "WaitForApproval", "ApprovalExpired", "NotApproved");

    private static JsonObject states(String definition) {
        return Json.parse(definition).getAsJsonObject().getAsJsonObject("States");
    }

    @Test
    void approvalOffIsTheCoreAloneWhoseWorkerTaskEndsTheRun() {
        JsonObject states = states(Definitions.core(60, 3600));

        assertTrue(APPROVAL_STATES.stream().noneMatch(states::has), states.keySet().toString());
        assertEquals("Done", states.getAsJsonObject("WaitForWorker").get("Next").getAsString());
    }

    @Test
    void approvalOnAddsTheApprovalStatesAfterTheWorkerTask() throws InvalidDefinitionException {
        JsonObject states = states(Definitions.project(60, 3600));

        assertTrue(states.keySet().containsAll(APPROVAL_STATES), states.keySet().toString());
        assertEquals("ApprovalRequested", states.getAsJsonObject("WaitForWorker").get("Next").getAsString());
        assertEquals(Definitions.APPROVAL_FUNCTION_ARN, states.getAsJsonObject("WaitForApproval")
                .getAsJsonObject("Parameters").get("FunctionName").getAsString());
        // Everything of the core but the worker task's Next is kept as it was.
        JsonObject core = states(Definitions.core(60, 3600));
        core.getAsJsonObject("WaitForWorker").addProperty("Next", "ApprovalRequested");
        core.keySet().forEach(name -> assertEquals(core.get(name), states.get(name), name));
        new DefinitionParser().parse(Definitions.project(60, 3600));
    }

    @Test
    void approvalStatesThatRedefineACoreStateOrLackTheEntryAreRefused() {
        String core = "{\"StartAt\":\"WaitForWorker\",\"States\":{\"WaitForWorker\":{\"Type\":\"Pass\",\"Next\":\"Done\"},"
                + "\"Done\":{\"Type\":\"Succeed\"}}}";
        DefinitionAssembler assembler = new DefinitionAssembler();

        assertEquals("the approval states template redefines the state Done", assertThrows(
                InvalidDefinitionException.class, () -> assembler.assemble(core,
                        Optional.of("{\"ApprovalRequested\":{\"Type\":\"Pass\",\"End\":true},\"Done\":{\"Type\":\"Fail\"}}"),
                        Map.of())).getMessage());
        assertEquals("the approval states template has no ApprovalRequested state", assertThrows(
                InvalidDefinitionException.class, () -> assembler.assemble(core,
                        Optional.of("{\"Other\":{\"Type\":\"Pass\",\"End\":true}}"), Map.of())).getMessage());
        assertFalse(Json.parse(core).getAsJsonObject().getAsJsonObject("States").has("ApprovalRequested"));
    }
}
