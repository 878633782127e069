package io.sfncallback.worker.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DemoProcessorTest {

    private final DemoProcessor demo = new DemoProcessor();
    private final FakeHeartbeat heartbeat = new FakeHeartbeat();

    private static final class FakeHeartbeat implements Heartbeat {
        final AtomicBoolean stopped = new AtomicBoolean();
        volatile boolean closed;

        @Override
        public boolean isTaskClosed() {
            return closed;
        }

        @Override
        public boolean beatNow() {
            return !closed;
        }

        @Override
        public void stop() {
            stopped.set(true);
        }
    }

    private TaskResult run(String input, int receiveCount) throws Exception {
        return demo.process(new TaskContext(JsonParser.parseString(input), Optional.of("arn"), receiveCount, heartbeat,
                () -> Duration.ofMinutes(1)));
    }

    private static JsonObject output(TaskResult result) {
        assertThat(result).isInstanceOf(TaskResult.Completed.class);
        return ((TaskResult.Completed) result).output().getAsJsonObject();
    }

    @Test
    void byDefaultSucceedsWithAnOutputDerivedFromTheInput() throws Exception {
        JsonObject output = output(run("{\"orderId\":42}", 1));

        assertThat(output).isEqualTo(JsonParser.parseString(
                "{\"status\":\"done\",\"mode\":\"succeed\",\"attempt\":1,\"echo\":{\"orderId\":42}}"));
    }

    @Test
    void aNonObjectInputSucceedsToo() throws Exception {
        assertThat(output(run("[1,2]", 2)).get("echo")).isEqualTo(JsonParser.parseString("[1,2]"));
    }

    @Test
    void rejectsWithTheDefaultOrTheGivenErrorAndReason() throws Exception {
        assertThat(run("{\"mode\":\"reject\"}", 1))
                .isEqualTo(TaskResult.reject("Demo.Rejected", "the demo processor was asked to reject this task"));
        assertThat(run("{\"mode\":\"REJECT\",\"error\":\"Order.Invalid\",\"reason\":\"no items\"}", 1))
                .isEqualTo(TaskResult.reject("Order.Invalid", "no items"));
    }

    @Test
    @Timeout(10)
    void slowWorksForTheGivenSecondsThenSucceeds() throws Exception {
        long started = System.nanoTime();

        JsonObject output = output(run("{\"mode\":\"slow\",\"seconds\":1}", 1));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(output.get("mode").getAsString()).isEqualTo("slow");
        assertThat(heartbeat.stopped).isFalse();
    }

    @Test
    @Timeout(10)
    void slowStopsEarlyWhenTheTaskCloses() throws Exception {
        heartbeat.closed = true;

        run("{\"mode\":\"slow\",\"seconds\":600}", 1);
    }

    @Test
    @Timeout(10)
    void hangStopsTheHeartbeats() throws Exception {
        run("{\"mode\":\"hang\",\"seconds\":0}", 1);

        assertThat(heartbeat.stopped).isTrue();
    }

    @Test
    void crashThrows() {
        assertThatThrownBy(() -> run("{\"mode\":\"crash\"}", 1))
                .isInstanceOf(IllegalStateException.class).hasMessage("demo crash requested");
    }

    @Test
    void retryAsksForRetriesUntilTheGivenAttempt() throws Exception {
        assertThat(run("{\"mode\":\"retry\",\"succeedOnAttempt\":3}", 2))
                .isEqualTo(TaskResult.retryLater("demo retry requested on attempt 2"));
        assertThat(output(run("{\"mode\":\"retry\",\"succeedOnAttempt\":3}", 3)).get("attempt").getAsInt()).isEqualTo(3);
        assertThat(run("{\"mode\":\"retry\"}", 1000)).isInstanceOf(TaskResult.RetryLater.class);
    }

    @Test
    void oversizeReturnsTheRequestedNumberOfBytes() throws Exception {
        JsonElement blob = output(run("{\"mode\":\"oversize\",\"bytes\":1000}", 1)).get("blob");

        assertThat(blob.getAsString()).hasSize(1000);
        assertThat(output(run("{\"mode\":\"oversize\"}", 1)).get("blob").getAsString()).hasSize(300_000);
    }

    @Test
    void anUnknownModeIsABusinessRejection() throws Exception {
        assertThat(run("{\"mode\":\"dance\"}", 1)).isEqualTo(TaskResult.reject("Demo.UnknownMode",
                "unknown mode 'dance'; use succeed, reject, slow, hang, crash, retry, oversize or approval"));
    }

    @Test
    void approvalSucceedsAndAsksForApprovalWithTheSummary() throws Exception {
        JsonObject output = output(run("{\"mode\":\"approval\",\"summary\":\"Refund order 42\"}", 1));

        assertThat(output).isEqualTo(JsonParser.parseString("{\"status\":\"done\",\"mode\":\"approval\",\"attempt\":1,"
                + "\"echo\":{\"mode\":\"approval\",\"summary\":\"Refund order 42\"},"
                + "\"approvalRequest\":{\"summary\":\"Refund order 42\"}}"));
    }

    @Test
    void approvalWithoutAUsableSummaryIsRejectedSayingWhy() throws Exception {
        assertThat(run("{\"mode\":\"approval\"}", 1)).isEqualTo(TaskResult.reject("Demo.InvalidApprovalRequest",
                "mode approval needs a summary: a string shown to the approver, e.g. {\"mode\":\"approval\",\"summary\":\"Refund order 42\"}"));
        assertThat(run("{\"mode\":\"approval\",\"summary\":42}", 1))
                .isEqualTo(run("{\"mode\":\"approval\"}", 1));
        assertThat(run("{\"mode\":\"approval\",\"summary\":\"  \"}", 1)).isEqualTo(TaskResult.reject("Demo.InvalidApprovalRequest",
                "an approval request needs a summary to show the approver; it is blank"));
        assertThat(run("{\"mode\":\"approval\",\"summary\":\"" + "s".repeat(4_001) + "\"}", 1)).isEqualTo(TaskResult.reject(
                "Demo.InvalidApprovalRequest", "an approval summary has at most 4000 characters; this one has 4001"));
    }
}
