package io.sfncallback.approval.link;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The synchronizer token of the decision form, in its stateless HMAC form: HMAC-SHA256 of the
 * link's hash under the request's form key, a random key that never leaves the store.
 *
 * <p>The page embeds the token in a hidden field; the decision POST must send it back. Someone who
 * knows only the link cannot compute it, so a cross-site form that posts to a leaked link is
 * refused even where a browser sends neither Origin nor Sec-Fetch-Site; only a client that read
 * the page can decide, which is what the page is for (see OWASP's CSRF Prevention Cheat Sheet,
 * "Signed Double-Submit Cookie"/"HMAC Based Token" patterns). Each link has its own token.
 */
public final class FormTokens {

    private static final String PURPOSE = "approval-form:";

    private FormTokens() {
    }

    public static String of(byte[] formKey, String linkHash) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(formKey, linkHash));
    }

    /** True when {@code presented} is the token of this link; compared in constant time. */
    public static boolean matches(byte[] formKey, String linkHash, String presented) {
        if (presented == null) {
            return false;
        }
        byte[] expected = of(formKey, linkHash).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] mac(byte[] key, String linkHash) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal((PURPOSE + linkHash).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides HmacSHA256", e);
        }
    }
}
