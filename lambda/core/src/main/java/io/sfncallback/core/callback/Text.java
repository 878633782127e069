package io.sfncallback.core.callback;

/** Fitting strings to the limits of the Step Functions API. */
public final class Text {

    static final char ELLIPSIS = '…';

    private Text() {
    }

    /**
     * {@code text} cut to at most {@code maxChars} characters, ending with an ellipsis when cut. A
     * surrogate pair is never split, so the result is still valid UTF-16.
     */
    public static String truncate(String text, int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return text;
        }
        if (maxChars <= 0) {
            return "";
        }
        int cut = maxChars - 1;
        if (cut > 0 && Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        return text.substring(0, cut) + ELLIPSIS;
    }

    /** The number of bytes {@code text} takes in UTF-8, counted without encoding it. */
    public static long utf8Length(String text) {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
