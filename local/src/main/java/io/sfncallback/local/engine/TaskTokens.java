package io.sfncallback.local.engine;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Issues task tokens (one per task attempt, opaque, unguessable, well under the 2048-character limit) and finds the
 * attempt a token belongs to. Tokens of closed attempts are kept, so a late or duplicate callback can be told
 * apart from a token that was never issued.
 */
final class TaskTokens {

    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<String, TaskAttempt> attempts = new ConcurrentHashMap<>();

    String newToken() {
        byte[] bytes = new byte[96];
        random.nextBytes(bytes);
        return "AQ" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    void register(TaskAttempt attempt) {
        attempts.put(attempt.token, attempt);
    }

    Optional<TaskAttempt> find(String token) {
        return Optional.ofNullable(attempts.get(token));
    }
}
