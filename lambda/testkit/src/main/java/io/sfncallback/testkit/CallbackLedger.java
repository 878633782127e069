package io.sfncallback.testkit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the callbacks a Step Functions endpoint received for each task token: how many SendTaskSuccess /
 * SendTaskFailure calls came, how many of them completed the task, and how many heartbeats. It is how tests prove
 * that no task was lost and none was completed twice; the local stack's endpoint and {@link FakeStepFunctions}
 * both keep one.
 */
public final class CallbackLedger {

    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    /** A SendTaskSuccess or SendTaskFailure for {@code token}; {@code accepted} when it completed the task. */
    public void completion(String token, boolean accepted) {
        Counter counter = counter(token);
        counter.completions.incrementAndGet();
        if (accepted) {
            counter.accepted.incrementAndGet();
        }
    }

    public void heartbeat(String token) {
        counter(token).heartbeats.incrementAndGet();
    }

    private Counter counter(String token) {
        return counters.computeIfAbsent(token, t -> new Counter());
    }

    /** Per token: completions received, completions accepted, heartbeats received. */
    public Map<String, Counts> snapshot() {
        Map<String, Counts> copy = new java.util.HashMap<>();
        counters.forEach((token, c) -> copy.put(token,
                new Counts(c.completions.get(), c.accepted.get(), c.heartbeats.get())));
        return copy;
    }

    /** The counts of one token (all zero for a token the endpoint never heard of). */
    public Counts of(String token) {
        Counter c = counters.get(token);
        return c == null ? new Counts(0, 0, 0) : new Counts(c.completions.get(), c.accepted.get(), c.heartbeats.get());
    }

    public record Counts(int completions, int acceptedCompletions, int heartbeats) {
        /** Completions that came after the task was already closed. */
        public int refusedCompletions() {
            return completions - acceptedCompletions;
        }
    }

    private static final class Counter {
        final AtomicInteger completions = new AtomicInteger();
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger heartbeats = new AtomicInteger();
    }
}
