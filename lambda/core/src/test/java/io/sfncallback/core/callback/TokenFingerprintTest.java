package io.sfncallback.core.callback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenFingerprintTest {

    @Test
    void isTheFirstTwelveHexCharactersOfTheSha256() {
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assertThat(TokenFingerprint.of("abc")).isEqualTo("ba7816bf8f01");
    }

    @Test
    void isStableAndDistinguishesTokens() {
        assertThat(TokenFingerprint.of("token-1")).isEqualTo(TokenFingerprint.of("token-1"))
                .isNotEqualTo(TokenFingerprint.of("token-2"))
                .hasSize(12);
    }

    @Test
    void ofNullIsNull() {
        assertThat(TokenFingerprint.of(null)).isNull();
    }
}
