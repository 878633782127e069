package io.sfncallback.core.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextTest {

    @Test
    void shortTextIsUntouched() {
        assertThat(Text.truncate("abc", 3)).isEqualTo("abc");
        assertThat(Text.truncate(null, 3)).isNull();
    }

    @Test
    void longTextIsCutToTheLimitWithAnEllipsis() {
        String cut = Text.truncate("x".repeat(300), 256);

        assertThat(cut).hasSize(256).endsWith("…").startsWith("xxx");
    }

    @Test
    void aSurrogatePairIsNeverSplit() {
        String text = "a".repeat(254) + "😀" + "tail"; // the emoji takes chars 254 and 255

        String cut = Text.truncate(text, 256);

        assertThat(cut).hasSizeLessThanOrEqualTo(256).endsWith("…");
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "é ü ß", "€ ₿ 中文", "😀 𝄞 emoji", "mixed a😀é€"})
    void utf8LengthMatchesTheEncoder(String text) {
        assertThat(Text.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aLoneSurrogateCountsAsTheThreeBytesJsonEscapingNeverNeedsLessThan() {
        assertThat(Text.utf8Length("\ud800")).isEqualTo(3);
    }
}
