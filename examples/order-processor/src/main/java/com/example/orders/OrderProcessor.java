package com.example.orders;

import com.google.gson.JsonObject;
import io.sfncallback.worker.processor.TaskContext;
import io.sfncallback.worker.processor.TaskProcessor;
import io.sfncallback.worker.processor.TaskResult;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Reserves stock for an order: {"orderId": "o-1", "amount": 120.5} -> {"orderId": "o-1", "reservation": "r-o-1"}.
 * Orders of 1,000 or more then wait for a person's approval (see "Human approval").
 */
public final class OrderProcessor implements TaskProcessor {

    private static final BigDecimal APPROVAL_LIMIT = BigDecimal.valueOf(1_000);

    private final Warehouse warehouse;

    public OrderProcessor() {                    // the worker needs a public no-argument constructor
        this(new HttpWarehouse());
    }

    OrderProcessor(Warehouse warehouse) {        // tests pass a fake
        this.warehouse = warehouse;
    }

    @Override
    public TaskResult process(TaskContext context) {
        JsonObject order = context.input().getAsJsonObject();   // always an object: the worker refuses others
        if (!order.has("orderId") || !order.has("amount")) {
            return TaskResult.reject("Order.Invalid", "an order needs orderId and amount");    // fails the execution
        }
        String orderId = order.get("orderId").getAsString();
        BigDecimal amount = order.get("amount").getAsBigDecimal();
        try {
            JsonObject output = new JsonObject();
            output.addProperty("orderId", orderId);
            output.addProperty("reservation", warehouse.reserve(orderId));
            if (amount.compareTo(APPROVAL_LIMIT) >= 0) {                 // a person decides; the decision lands at $.approval
                return TaskResult.requestApproval(output, "Order " + orderId + " for " + amount.toPlainString()
                        + " is over the " + APPROVAL_LIMIT + " limit: approve to ship it.");
            }
            return TaskResult.complete(output);                            // lands at $.result
        } catch (IOException e) {
            return TaskResult.retryLater("warehouse unreachable: " + e.getMessage());   // redelivered
        }
    }

    /** The external system the processor calls; must tolerate the same order twice (at-least-once delivery). */
    interface Warehouse {
        String reserve(String orderId) throws IOException;
    }

    static final class HttpWarehouse implements Warehouse {
        @Override
        public String reserve(String orderId) {
            return "r-" + orderId;                                         // stands in for a real call
        }
    }
}
