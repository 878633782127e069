package io.sfncallback.local.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The opaque nextToken of paged operations: the offset of the next item, bound to the resource it pages. */
final class PageToken {

    private PageToken() {
    }

    static String encode(String resourceArn, int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((offset + "|" + resourceArn).getBytes(StandardCharsets.UTF_8));
    }

    static int decode(String token, String resourceArn) throws ApiException {
        if (token == null) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int bar = text.indexOf('|');
            if (bar > 0 && text.substring(bar + 1).equals(resourceArn)) {
                int offset = Integer.parseInt(text.substring(0, bar));
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to InvalidToken
        }
        throw new ApiException("InvalidToken", "Invalid Token: '" + token + "'");
    }
}
