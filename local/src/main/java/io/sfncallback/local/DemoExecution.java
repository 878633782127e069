package io.sfncallback.local;

import com.google.gson.JsonObject;
import java.util.function.Consumer;

/** Starts one execution through the local endpoint, waits for it to finish and prints what DescribeExecution says. */
final class DemoExecution {

    private static final long POLL_MILLIS = 200;

    private final LocalStack stack;
    private final Consumer<String> progress;

    DemoExecution(LocalStack stack, Consumer<String> progress) {
        this.stack = stack;
        this.progress = progress;
    }

    /** @return 0 when the execution SUCCEEDED, 1 otherwise */
    int run(String input) throws Exception {
        SfnJsonClient client = new SfnJsonClient(stack.sfnEndpoint());
        JsonObject start = new JsonObject();
        start.addProperty("stateMachineArn", stack.stateMachineArn());
        start.addProperty("input", input);
        String executionArn = client.call("StartExecution", start).get("executionArn").getAsString();
        progress.accept("demo execution started: " + executionArn + " input " + input);
        JsonObject describe = new JsonObject();
        describe.addProperty("executionArn", executionArn);
        JsonObject execution = client.call("DescribeExecution", describe);
        long waitingSince = System.currentTimeMillis();
        long lastNote = waitingSince;
        while ("RUNNING".equals(execution.get("status").getAsString())) {
            if (System.currentTimeMillis() - lastNote >= 5000) {
                lastNote = System.currentTimeMillis();
                String name = executionArn.substring(executionArn.lastIndexOf(':') + 1);
                boolean awaitsApproval = stack.approvalLoop().map(approval -> approval.outbox().messages().stream()
                        .anyMatch(message -> message.body().contains("Execution: " + name + "\n"))).orElse(false);
                progress.accept("demo execution still running after " + (lastNote - waitingSince) / 1000 + " s"
                        + (awaitsApproval ? ": it waits for a decision; open " + stack.outboxUrl()
                        + " and click the link" : ""));
            }
            Thread.sleep(POLL_MILLIS);
            execution = client.call("DescribeExecution", describe);
        }
        String status = execution.get("status").getAsString();
        StringBuilder result = new StringBuilder("demo execution ").append(status);
        if (execution.has("output")) {
            result.append(": output ").append(execution.get("output").getAsString());
        }
        if (execution.has("error")) {
            result.append(": error ").append(execution.get("error").getAsString());
        }
        if (execution.has("cause")) {
            result.append(", cause ").append(execution.get("cause").getAsString());
        }
        progress.accept(result.toString());
        return "SUCCEEDED".equals(status) ? 0 : 1;
    }
}
