package com.example.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.sfncallback.worker.processor.Heartbeat;
import io.sfncallback.worker.processor.TaskContext;
import io.sfncallback.worker.processor.TaskResult;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The example processor: completes small orders, asks for approval of large ones, rejects bad ones, retries an unreachable warehouse. */
class OrderProcessorTest {

    private static final Heartbeat NO_HEARTBEAT = new Heartbeat() {
        @Override
        public boolean isTaskClosed() {
            return false;
        }

        @Override
        public boolean beatNow() {
            return true;
        }

        @Override
        public void stop() {
        }
    };

    private static TaskContext context(String input) {
        return new TaskContext(JsonParser.parseString(input), Optional.empty(), 1, NO_HEARTBEAT, () -> Duration.ofMinutes(1));
    }

    @Test
    void aSmallOrderCompletesWithItsReservation() {
        assertThat(new OrderProcessor().process(context("{\"orderId\":\"o-1\",\"amount\":120.5}")))
                .isEqualTo(TaskResult.complete(JsonParser.parseString("{\"orderId\":\"o-1\",\"reservation\":\"r-o-1\"}")));
    }

    @Test
    void aLargeOrderAsksForApprovalWithASummary() {
        assertThat(new OrderProcessor().process(context("{\"orderId\":\"o-2\",\"amount\":1250}")))
                .isEqualTo(TaskResult.complete(JsonParser.parseString("{\"orderId\":\"o-2\",\"reservation\":\"r-o-2\","
                        + "\"approvalRequest\":{\"summary\":\"Order o-2 for 1250 is over the 1000 limit: approve to ship it.\"}}")));
    }

    @Test
    void anIncompleteOrderIsRejectedAndAnUnreachableWarehouseRetried() {
        assertThat(new OrderProcessor().process(context("{\"orderId\":\"o-1\"}")))
                .isEqualTo(TaskResult.reject("Order.Invalid", "an order needs orderId and amount"));
        assertThat(new OrderProcessor(id -> {
            throw new IOException("connect timed out");
        }).process(context("{\"orderId\":\"o-3\",\"amount\":5}")))
                .isEqualTo(TaskResult.retryLater("warehouse unreachable: connect timed out"));
    }
}
