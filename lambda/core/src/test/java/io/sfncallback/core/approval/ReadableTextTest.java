package io.sfncallback.core.approval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadableTextTest {

    @Test
    void aRightToLeftOverrideIsRefusedWithItsCodePointNameAndPosition() {
        // Shown as "Pay EUR 50.00 to ACME" while the text holds 00.05.
        String summary = "Pay EUR \u202E00.05\u202C to ACME";

        assertThat(ReadableText.firstHidden(summary)).contains(new ReadableText.Hidden(0x202E, 9));
        assertThat(ReadableText.refusal("The summary", summary)).hasValueSatisfying(sentence -> assertThat(sentence)
                .startsWith("The summary contains U+202E RIGHT-TO-LEFT OVERRIDE (a format character")
                .contains("at position 9"));
    }

    @Test
    void aZeroWidthSpaceThatMakesTwoNamesLookAlikeIsRefused() {
        assertThat(ReadableText.firstHidden("ACME\u200B Ltd")).contains(new ReadableText.Hidden(0x200B, 5));
    }

    /** One of each category the rule names: Cc, Cf (bidi, isolates, joiners, BOM, tags), Co, Cn, Zl, Zp, Cs. */
    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x1B, 0x7F, 0x85, 0x9B, 0x00AD, 0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F,
            0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF, 0xE0001, 0xE0041,
            0xE000, 0xF8FF, 0xF0000, 0x0378, 0xFFFF, 0x2028, 0x2029, 0xD800, 0xDC00, 0x034F, 0x115F, 0x3164, 0xFFA0})
    void everyCharacterThatHidesOrRearrangesIsRefused(int codePoint) {
        String text = "a" + new String(Character.toChars(codePoint)) + "b";

        assertThat(ReadableText.firstHidden(text)).contains(new ReadableText.Hidden(codePoint, 2));
        assertThat(ReadableText.visible(text)).isEqualTo(String.format("a⟨U+%04X⟩b", codePoint));
    }

    @Test
    void anUnpairedSurrogateIsRefusedButAPairIsOneCharacter() {
        assertThat(ReadableText.firstHidden("😀 ok")).isEmpty();
        assertThat(ReadableText.firstHidden("😀\uD83D!")).contains(new ReadableText.Hidden(0xD83D, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Order 42: 3 laptops for EUR 4,200\n\trequested by Sam\r\n",
        "שלום עולם: הזמנה 42",            // Hebrew letters
        "طلب رقم 42 بقيمة 4200 يورو",      // Arabic letters
        "Café, naïve, Ærø, 東京, Ελλάδα",
        "👍🏽 ❤️ ok"                       // skin tone modifier, variation selector (Mn)
    })
    void everydayTextInAnyScriptPasses(String text) {
        assertThat(ReadableText.firstHidden(text)).isEmpty();
        assertThat(ReadableText.visible(text)).isSameAs(text);
    }

    @Test
    void aZeroWidthJoinerIsRefusedEvenInsideAnEmojiSequence() {
        // The price of one rule: a joined emoji (family) is refused with the joiner's position.
        assertThat(ReadableText.firstHidden("family: \uD83D\uDC68\u200D\uD83D\uDC69"))
                .contains(new ReadableText.Hidden(0x200D, 10));
    }

    @Test
    void visibleMarksEveryRefusedCharacterAndKeepsTheRest() {
        assertThat(ReadableText.visible("Pay EUR \u202E00.05\u202C to ACME"))
                .isEqualTo("Pay EUR ⟨U+202E⟩00.05⟨U+202C⟩ to ACME");
        assertThat(ReadableText.visible(null)).isNull();
    }
}
