package io.sfncallback.core.approval;

import java.util.Optional;

/**
 * The one rule for every text an approver or operator reads (an approval's summary, an approver's
 * comment): what is shown must be what the workflow holds. Characters that change how other
 * characters look, or that hide themselves, are refused, and so are those that show nothing
 * anyone can check:
 *
 * <ul>
 *   <li>Cc, control characters, except tab, line feed and carriage return;</li>
 *   <li>Cf, format characters: the bidirectional overrides, embeddings and isolates (U+202A..U+202E,
 *       U+2066..U+2069) that reorder the characters around them, as in {@code "EUR \u202E00.05\u202C"}
 *       shown as "EUR 50.00"
 *       (<a href="https://www.unicode.org/reports/tr9/#Explicit_Directional_Formatting_Characters">UAX #9,
 *       explicit directional formatting characters</a>), the marks U+200E, U+200F and U+061C, zero-width
 *       space, joiners and word joiner (U+200B..U+200D, U+2060), the byte order mark (U+FEFF), soft
 *       hyphen (U+00AD) and the tag characters (U+E0000..U+E007F);</li>
 *   <li>Co, private-use characters, and Cn, code points unassigned in this JDK's Unicode version: no
 *       font shows an agreed glyph for them;</li>
 *   <li>Zl and Zp, the line and paragraph separators U+2028 and U+2029 (a line break that plain-text
 *       readers do not show as one);</li>
 *   <li>Cs, an unpaired surrogate (no character at all; UTF-8 cannot carry it);</li>
 *   <li>the default-ignorable letters that render as nothing although their category is not one of
 *       the above: U+034F COMBINING GRAPHEME JOINER, the Hangul fillers U+115F, U+1160, U+3164 and
 *       U+FFA0, and U+17B4, U+17B5 (Unicode's {@code Default_Ignorable_Code_Point} property,
 *       <a href="https://www.unicode.org/reports/tr44/#Default_Ignorable_Code_Point">UAX #44</a>).</li>
 * </ul>
 *
 * <p>Categories are the JDK's ({@link Character#getType(int)}), i.e. the Unicode general categories
 * (<a href="https://www.unicode.org/reports/tr44/#General_Category_Values">UAX #44, General_Category</a>).
 * Right-to-left <em>letters</em> (Hebrew, Arabic: categories Lo, Mn) stay allowed: they reorder
 * only among themselves, and the approval page shows the summary in its own isolated paragraph
 * ({@code dir="auto"}, {@code unicode-bidi: plaintext}) so that they cannot reorder the page around
 * it. Emoji and their variation selectors (Mn) stay allowed too.
 *
 * <p>Refusing, rather than showing a marker, keeps the text identical everywhere it goes (the mail,
 * the page, the execution history, a later state); {@link #visible} is the fallback for text that
 * was stored before this rule or comes from somewhere the rule cannot refuse (an execution's name).
 */
public final class ReadableText {

    private ReadableText() {
    }

    /**
     * A character that the rule refuses.
     *
     * @param codePoint the code point (an unpaired surrogate is its own UTF-16 unit)
     * @param position  where it is, counting characters (code points) from 1
     */
    public record Hidden(int codePoint, int position) {

        /** {@code "U+202E RIGHT-TO-LEFT OVERRIDE (a format character) at position 9"}. */
        public String describe() {
            // Controls, private-use and unassigned code points have no Unicode name of their own
            // (the JDK would make one up from the block).
            int type = Character.getType(codePoint);
            String name = type == Character.CONTROL || type == Character.PRIVATE_USE || type == Character.SURROGATE
                    || type == Character.UNASSIGNED ? null : Character.getName(codePoint);
            return String.format("U+%04X", codePoint) + (name == null ? "" : " " + name) + " (" + kind(codePoint) + ") at position " + position;
        }
    }

    /** The first character of {@code text} that an approver could not see as it is, if any. */
    public static Optional<Hidden> firstHidden(String text) {
        int position = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            position++;
            if (hidden(codePoint)) {
                return Optional.of(new Hidden(codePoint, position));
            }
            i += Character.charCount(codePoint);
        }
        return Optional.empty();
    }

    /**
     * The sentence that refuses {@code text} ({@code what} names it, e.g. "The approval request's
     * summary"), or empty when the rule lets it through.
     */
    public static Optional<String> refusal(String what, String text) {
        return firstHidden(text).map(hidden -> what + " contains " + hidden.describe()
                + ", which would show the approver something other than what the workflow holds; "
                + "tabs and line breaks are the only invisible characters allowed");
    }

    /**
     * {@code text} with every refused character replaced by a visible marker such as
     * {@code ⟨U+202E⟩}: for showing text that did not pass through the rule.
     */
    public static String visible(String text) {
        if (text == null || firstHidden(text).isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if (hidden(codePoint)) {
                out.append(marker(codePoint));
            } else {
                out.appendCodePoint(codePoint);
            }
            i += Character.charCount(codePoint);
        }
        return out.toString();
    }

    /** Whether the rule refuses {@code codePoint}. */
    public static boolean hidden(int codePoint) {
        switch (codePoint) {
            case '\t', '\n', '\r':
                return false;
            case 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0:
                return true;
            default:
                break;
        }
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE -> true;
            default -> false;
        };
    }

    static String marker(int codePoint) {
        return String.format("⟨U+%04X⟩", codePoint);
    }

    private static String kind(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL -> "a control character";
            case Character.FORMAT -> "a format character, invisible or changing how other characters show";
            case Character.PRIVATE_USE -> "a private-use character";
            case Character.UNASSIGNED -> "an unassigned code point";
            case Character.LINE_SEPARATOR -> "a line separator";
            case Character.PARAGRAPH_SEPARATOR -> "a paragraph separator";
            case Character.SURROGATE -> "an unpaired surrogate";
            default -> "a character that shows nothing";
        };
    }
}
