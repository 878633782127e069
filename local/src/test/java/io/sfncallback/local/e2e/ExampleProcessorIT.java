package io.sfncallback.local.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import io.sfncallback.local.LocalStack;
import io.sfncallback.local.config.LocalStackConfig;
import io.sfncallback.local.config.TerraformDefaults;
import io.sfncallback.local.json.Json;
import io.sfncallback.local.support.CapturingLog;
import io.sfncallback.local.support.Definitions;
import io.sfncallback.local.support.FunctionJars;
import io.sfncallback.local.support.SfnClients;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * A user's own processor, deployed as the README says (its project's jar as the worker jar, its class as the
 * processor class), through the whole loop, with approval off as Terraform's default has it.
 */
class ExampleProcessorIT {

    private static final Duration WAIT = Duration.ofSeconds(45);

    private static final CapturingLog log = new CapturingLog();
    private static LocalStack stack;
    private static SfnClient sfn;

    @BeforeAll
    static void startStack() throws Exception {
        LocalStackConfig.Builder config = LocalStackConfig.builder(TerraformDefaults.load(), Definitions.repoRoot());
        config.sfnPort = 0;
        config.sqsPort = 0;
        config.workerJar = FunctionJars.exampleProcessor();
        config.processorClass = "com.example.orders.OrderProcessor";
        config.namePrefix = "example";
        config.taskHeartbeatSeconds = 10;
        config.taskTimeoutSeconds = 60;
        config.heartbeatIntervalSeconds = 1;
        config.pollWaitSeconds = 1;
        stack = LocalStack.start(config.build(), log, message -> System.out.println("[stack] " + message));
        sfn = SfnClients.local(stack.sfnEndpoint());
    }

    @AfterAll
    static void stopStack() {
        if (sfn != null) {
            sfn.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static DescribeExecutionResponse run(String input) {
        String arn = sfn.startExecution(b -> b.stateMachineArn(stack.stateMachineArn()).input(input)).executionArn();
        return SfnClients.awaitEnd(sfn, arn, WAIT);
    }

    @Test
    void aSmallOrderSucceedsWithTheReservationTheUsersProcessorMade() {
        DescribeExecutionResponse execution = run("{\"orderId\":\"o-1\",\"amount\":120.5}");

        assertEquals(ExecutionStatus.SUCCEEDED, execution.status());
        JsonObject result = Json.parse(execution.output()).getAsJsonObject().getAsJsonObject("result");
        assertEquals("r-o-1", result.get("reservation").getAsString());
    }

    @Test
    void anIncompleteOrderFailsWithTheUsersErrorAndCause() {
        DescribeExecutionResponse execution = run("{\"orderId\":\"o-2\"}");

        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Order.Invalid", execution.error());
        assertEquals("an order needs orderId and amount", execution.cause());
    }

    @Test
    void aLargeOrderAskingForApprovalFailsAtOnceWhileApprovalIsOff() {
        DescribeExecutionResponse execution = run("{\"orderId\":\"o-3\",\"amount\":1250}");

        assertEquals(ExecutionStatus.FAILED, execution.status());
        assertEquals("Approval.NotEnabled", execution.error());
        assertEquals(true, execution.cause().contains("approval_enabled = true"), execution.cause());
    }
}
