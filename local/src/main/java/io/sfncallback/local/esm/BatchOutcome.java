package io.sfncallback.local.esm;

import java.util.Set;

/** What one invocation decided for its batch: which records to retry, or that the whole batch failed. */
record BatchOutcome(boolean wholeBatchFailed, Set<String> failedMessageIds, String reason) {

    static BatchOutcome success() {
        return new BatchOutcome(false, Set.of(), null);
    }

    static BatchOutcome partial(Set<String> failed) {
        return new BatchOutcome(false, Set.copyOf(failed), null);
    }

    static BatchOutcome wholeBatch(String reason) {
        return new BatchOutcome(true, Set.of(), reason);
    }
}
