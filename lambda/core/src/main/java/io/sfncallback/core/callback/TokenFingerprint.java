package io.sfncallback.core.callback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short, stable, non-reversible name for a task token, safe to log.
 *
 * <p>The token itself is a credential (anyone holding it can complete the task), so logs carry
 * only the first 12 hex characters of its SHA-256: enough to correlate log lines, useless to an
 * attacker.
 */
public final class TokenFingerprint {

    static final int LENGTH = 12;

    private TokenFingerprint() {
    }

    public static String of(String token) {
        if (token == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, LENGTH / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
