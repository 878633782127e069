package io.sfncallback.approval.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.sfncallback.core.callback.TokenFingerprint;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinkSecretsTest {

    @Test
    void aSecretIs256RandomBitsInBase64Url() {
        LinkSecrets secrets = new LinkSecrets();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String secret = secrets.newSecret();
            assertThat(secret).hasSize(LinkSecrets.SECRET_LENGTH).matches("[A-Za-z0-9_-]+");
            assertThat(Base64.getUrlDecoder().decode(secret)).hasSize(32);
            assertThat(LinkSecrets.isWellFormed(secret)).isTrue();
            seen.add(secret);
        }
        assertThat(seen).hasSize(1_000);
    }

    @Test
    void theStoredHashIsNotTheSecretAndTheFingerprintIsItsPrefix() {
        String secret = new LinkSecrets().newSecret();
        String hash = LinkSecrets.hash(secret);

        assertThat(hash).hasSize(64).matches("[0-9a-f]+").doesNotContain(secret);
        assertThat(LinkSecrets.fingerprint(hash)).isEqualTo(hash.substring(0, 12));
    }

    @Test
    void theRequestIdIsStablePerTokenAndStartsWithTheWorkersTokenFingerprint() {
        String token = "AQCEAAAAKgAAAAMAAAAAAAAAAf+token/=";
        assertThat(LinkSecrets.requestId(token)).isEqualTo(LinkSecrets.requestId(token)).hasSize(32)
                .startsWith(TokenFingerprint.of(token)).isNotEqualTo(LinkSecrets.requestId(token + "x"));
    }

    @Test
    void formTokensAreBoundToTheLinkAndTheKey() {
        byte[] key = new LinkSecrets().randomBytes();
        String token = FormTokens.of(key, "hash-a");

        assertThat(FormTokens.matches(key, "hash-a", token)).isTrue();
        assertThat(FormTokens.matches(key, "hash-b", token)).isFalse();
        assertThat(FormTokens.matches(new LinkSecrets().randomBytes(), "hash-a", token)).isFalse();
        assertThat(FormTokens.matches(key, "hash-a", null)).isFalse();
        assertThat(FormTokens.matches(key, "hash-a", token.substring(1))).isFalse();
    }
}
