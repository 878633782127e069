package io.sfncallback.approval.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FormDecoderTest {

    @Test
    void decodesWhatABrowserSends() throws Exception {
        assertThat(FormDecoder.decode("csrf=ab-_c&decision=approve&comment=L%C3%A4uft+gut%21%0D%0Aja"))
                .isEqualTo(Map.of("csrf", "ab-_c", "decision", "approve", "comment", "Läuft gut!\r\nja"));
        assertThat(FormDecoder.decode("")).isEmpty();
        assertThat(FormDecoder.decode("a&b=")).isEqualTo(Map.of("a", "", "b", ""));
    }

    @Test
    void refusesWhatItCannotDecode() {
        assertThatThrownBy(() -> FormDecoder.decode("a=%4")).hasMessageContaining("two hex digits");
        assertThatThrownBy(() -> FormDecoder.decode("a=%GG")).hasMessageContaining("two hex digits");
        assertThatThrownBy(() -> FormDecoder.decode("a=%FF")).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> FormDecoder.decode("a=\u00e9")).hasMessageContaining("not percent-encoded");
        assertThatThrownBy(() -> FormDecoder.decode("a=1&a=2")).hasMessageContaining("more than once");
        assertThatThrownBy(() -> FormDecoder.decode("a=1&".repeat(FormDecoder.MAX_FIELDS + 1))).hasMessageContaining("more than");
    }
}
