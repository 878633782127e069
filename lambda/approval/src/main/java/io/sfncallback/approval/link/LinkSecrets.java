package io.sfncallback.approval.link;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The secrets the approval component makes and the one-way names it stores for them.
 *
 * <p>A link secret is 256 random bits, written as 43 characters of unpadded base64url: the last
 * segment of an approval link ({@code <base>/approvals/<secret>}). The store keeps only its SHA-256
 * ({@link #hash}), so a copy of the table holds no working link; looking a link up by the hash of
 * what the browser sent is also a constant-time check of the secret, because nothing is compared
 * in this code. The first 12 hex characters of the hash ({@link #fingerprint}) name the link in
 * logs and in the audit record.
 *
 * <p>Randomness comes from a new {@link SecureRandom} for each secret, never one kept from
 * initialisation: with SnapStart every execution environment resumes from the same snapshot, and
 * AWS asks that secrets and the entropy behind them be produced after it
 * (<a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-uniqueness.html">Handling
 * uniqueness with Lambda SnapStart</a>).
 */
public final class LinkSecrets {

    /** Bytes of randomness in a link secret and in a request's form key. */
    public static final int SECRET_BYTES = 32;
    /** Characters of a link secret: 32 bytes in unpadded base64url. */
    public static final int SECRET_LENGTH = 43;
    /** Hex characters of a fingerprint, as for task tokens. */
    public static final int FINGERPRINT_LENGTH = 12;

    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{" + SECRET_LENGTH + "}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final Supplier<SecureRandom> random;

    /** Secrets from the platform's default {@link SecureRandom}. */
    public LinkSecrets() {
        this(SecureRandom::new);
    }

    /** Secrets from the given source of random generators; tests pass a seeded one. */
    public LinkSecrets(Supplier<SecureRandom> random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A new link secret. */
    public String newSecret() {
        return BASE64URL.encodeToString(randomBytes());
    }

    /** {@value #SECRET_BYTES} new random bytes: a request's form key. */
    public byte[] randomBytes() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.get().nextBytes(bytes);
        return bytes;
    }

    /** True when {@code candidate} has the shape of a link secret (it may still name no link). */
    public static boolean isWellFormed(String candidate) {
        return candidate != null && SECRET.matcher(candidate).matches();
    }

    /** The stored name of a link secret: the hex SHA-256 of its characters. */
    public static String hash(String secret) {
        return HexFormat.of().formatHex(sha256(secret));
    }

    /** A short, loggable name of a link, from its stored hash. */
    public static String fingerprint(String linkHash) {
        return linkHash.substring(0, FINGERPRINT_LENGTH);
    }

    /**
     * The request id of a task token: 32 hex characters of its SHA-256. The same token always gives
     * the same id, which is what makes a retried request handler find the request it already made;
     * its first 12 characters are the token's log fingerprint, as the worker logs it.
     */
    public static String requestId(String taskToken) {
        return HexFormat.of().formatHex(sha256(taskToken), 0, 16);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
