package com.example.orders;

import com.google.gson.JsonObject;
import io.sfncallback.worker.processor.TaskContext;
import io.sfncallback.worker.processor.TaskProcessor;
import io.sfncallback.worker.processor.TaskResult;
import java.io.IOException;

/** Approves an order: {"orderId": "o-1", "amount": 120.5} -> {"orderId": "o-1", "approved": true}. */
public final class ApprovalProcessor implements TaskProcessor {

    private final Approvals approvals;

    public ApprovalProcessor() {                 // the worker needs a public no-argument constructor
        this(new HttpApprovals());
    }

    ApprovalProcessor(Approvals approvals) {     // tests pass a fake
        this.approvals = approvals;
    }

    @Override
    public TaskResult process(TaskContext context) {
        JsonObject order = context.input().isJsonObject() ? context.input().getAsJsonObject() : new JsonObject();
        if (!order.has("orderId") || !order.has("amount")) {
            return TaskResult.reject("Order.Invalid", "an order needs orderId and amount");   // fails the execution
        }
        String orderId = order.get("orderId").getAsString();
        try {
            boolean approved = approvals.approve(orderId, order.get("amount").getAsBigDecimal());
            JsonObject output = new JsonObject();
            output.addProperty("orderId", orderId);
            output.addProperty("approved", approved);
            return TaskResult.complete(output);                                          // lands at $.result
        } catch (IOException e) {
            return TaskResult.retryLater("approval service unreachable: " + e.getMessage()); // redelivered
        }
    }

    /** The external system the processor calls; must tolerate the same order twice. */
    interface Approvals {
        boolean approve(String orderId, java.math.BigDecimal amount) throws IOException;
    }

    static final class HttpApprovals implements Approvals {
        @Override
        public boolean approve(String orderId, java.math.BigDecimal amount) {
            return amount.compareTo(java.math.BigDecimal.valueOf(1_000)) < 0;   // stands in for a real call
        }
    }
}
