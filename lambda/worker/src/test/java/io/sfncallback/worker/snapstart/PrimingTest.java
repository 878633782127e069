package io.sfncallback.worker.snapstart;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.testkit.CapturingLogger;
import io.sfncallback.worker.batch.Outcome;
import io.sfncallback.worker.batch.RecordOutcome;
import io.sfncallback.worker.config.WorkerConfig;
import io.sfncallback.worker.processor.TaskContext;
import io.sfncallback.worker.processor.TaskProcessor;
import io.sfncallback.worker.processor.TaskResult;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PrimingTest {

    @RegisterExtension
    static WireMockExtension aws = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    /** A processor that counts its calls: priming must never run the user's code. */
    public static final class CountingProcessor implements TaskProcessor {
        static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public TaskResult process(TaskContext context) {
            CALLS.incrementAndGet();
            return TaskResult.complete(null);
        }
    }

    private final CapturingLogger logger = new CapturingLogger();

    private Priming priming() {
        WorkerConfig config = WorkerConfig.fromEnvironment(Map.of(
                "AWS_ENDPOINT_URL", aws.baseUrl(),
                "TASKS_QUEUE_URL", aws.baseUrl() + "/000000000000/tasks",
                "PROCESSOR_CLASS", CountingProcessor.class.getName()));
        return new Priming(config, new JsonLog(logger, LogLevel.INFO, null, Clock.systemUTC()));
    }

    @Test
    void runsEveryKindOfRecordThroughTheRealPipeline() {
        List<RecordOutcome> outcomes = priming().prime();

        assertThat(outcomes).extracting(RecordOutcome::outcome).hasSize(5)
                .startsWith(Outcome.SUCCEEDED, Outcome.FAILED, Outcome.RETRY).endsWith(Outcome.BAD_MESSAGE);
        // The closed task's first heartbeat (at receipt) races its start: not started, or abandoned.
        assertThat(outcomes.get(3).outcome()).isIn(Outcome.TASK_CLOSED, Outcome.ABANDONED);
    }

    @Test
    void hasNoSideEffect() {
        CountingProcessor.CALLS.set(0);

        priming().prime();

        assertThat(aws.getAllServeEvents()).as("no request reaches the configured endpoints").isEmpty();
        assertThat(CountingProcessor.CALLS.get()).as("the user's processor is not called").isZero();
        assertThat(logger.lines()).as("the priming batch logs nothing").isEmpty();
    }

    @Test
    void theCheckpointHookPrimesAndReportsOneLine() {
        priming().beforeCheckpoint(null);

        assertThat(logger.withMessage("primed for snapshot")).singleElement()
                .satisfies(line -> assertThat(line.get("records").getAsInt()).isEqualTo(5));
        assertThat(aws.getAllServeEvents()).isEmpty();
    }
}
