package io.sfncallback.worker.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.worker.batch.Deadline;
import io.sfncallback.worker.batch.Invocation;
import io.sfncallback.worker.batch.Outcome;
import io.sfncallback.worker.batch.RecordOutcome;
import io.sfncallback.worker.logging.JsonLog;
import io.sfncallback.worker.testing.CapturingLogger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class RetryDelayTest {

    private final SqsVisibility sqs = mock(SqsVisibility.class);
    private final CapturingLogger logger = new CapturingLogger();
    private final Invocation invocation = new Invocation(Deadline.none(), new JsonLog(logger, LogLevel.INFO, "r", Clock.systemUTC()));

    private static List<RecordOutcome> failures(int count) {
        List<RecordOutcome> failures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            failures.add(new RecordOutcome("m-" + i, "handle-" + i, Outcome.RETRY, null, "busy"));
        }
        return failures;
    }

    @Test
    @SuppressWarnings("unchecked")
    void setsTheDelayOnEveryFailedRecordTenAtATime() throws Exception {
        new RetryDelay("https://q/1/tasks", Duration.ofSeconds(7), () -> sqs).apply(failures(23), invocation);

        ArgumentCaptor<List<SqsVisibility.Entry>> batches = ArgumentCaptor.forClass(List.class);
        verify(sqs, times(3)).changeVisibility(eq("https://q/1/tasks"), batches.capture());
        assertThat(batches.getAllValues()).extracting(List::size).containsExactly(10, 10, 3);
        assertThat(batches.getAllValues().get(2)).containsExactly(
                new SqsVisibility.Entry("r0", "handle-20", 7),
                new SqsVisibility.Entry("r1", "handle-21", 7),
                new SqsVisibility.Entry("r2", "handle-22", 7));
        assertThat(logger.lines()).isEmpty();
    }

    @Test
    void doesNothingWithoutAQueueUrlOrWithoutFailures() {
        AtomicInteger built = new AtomicInteger();
        new RetryDelay(null, Duration.ofSeconds(7), () -> {
            built.incrementAndGet();
            return sqs;
        }).apply(failures(3), invocation);
        new RetryDelay("https://q/1/tasks", Duration.ofSeconds(7), () -> {
            built.incrementAndGet();
            return sqs;
        }).apply(List.of(), invocation);

        assertThat(built.get()).as("the SQS caller is never even built").isZero();
    }

    @Test
    void buildsTheSqsCallerOnceOnFirstUse() {
        AtomicInteger built = new AtomicInteger();
        RetryDelay delay = new RetryDelay("https://q/1/tasks", Duration.ofSeconds(7), () -> {
            built.incrementAndGet();
            return sqs;
        });

        delay.apply(failures(1), invocation);
        delay.apply(failures(1), invocation);

        assertThat(built.get()).isEqualTo(1);
    }

    @Test
    void aRecordSqsRefusesIsLoggedAndTheOthersAreNot() throws Exception {
        when(sqs.changeVisibility(any(), anyList()))
                .thenReturn(List.of(new SqsVisibility.Failure("r1", "ReceiptHandleIsInvalid", "expired")));

        new RetryDelay("https://q/1/tasks", Duration.ofSeconds(7), () -> sqs).apply(failures(3), invocation);

        assertThat(logger.json()).singleElement().satisfies(line -> {
            assertThat(line.get("messageId").getAsString()).isEqualTo("m-1");
            assertThat(line.get("detail").getAsString()).isEqualTo("ReceiptHandleIsInvalid: expired");
        });
    }

    @Test
    void aFailedCallIsLoggedForEachRecordAndNeverThrows() throws Exception {
        when(sqs.changeVisibility(any(), anyList())).thenThrow(new SqsVisibility.SqsCallException("HTTP 403 AccessDenied: no", null));

        new RetryDelay("https://q/1/tasks", Duration.ofSeconds(7), () -> sqs).apply(failures(2), invocation);

        assertThat(logger.json()).extracting(line -> line.get("messageId").getAsString()).containsExactly("m-0", "m-1");
        assertThat(logger.lines()).allMatch(line -> line.level() == LogLevel.WARN);
    }
}
