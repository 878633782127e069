package io.sfncallback.core.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.sfncallback.testkit.CapturingLogger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JsonLogTest {

    private final CapturingLogger sink = new CapturingLogger();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-21T10:15:30.123456Z"), ZoneOffset.UTC);

    @Test
    void writesOneJsonObjectPerLineWithTheLambdaFieldsFirst() {
        new JsonLog(sink, LogLevel.INFO, "req-9", clock).at(LogLevel.WARN, "record task_closed")
                .with("messageId", "m-1")
                .with("receiveCount", 2)
                .with("redeliver", false)
                .with("skipped", null)
                .with("input", JsonParser.parseString("{\"a\":[1,\"x\"]}"))
                .write();

        assertThat(sink.lines()).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(LogLevel.WARN);
            assertThat(line.text()).isEqualTo("{\"timestamp\":\"2026-11-21T10:15:30.123Z\",\"level\":\"WARN\","
                    + "\"message\":\"record task_closed\",\"requestId\":\"req-9\",\"messageId\":\"m-1\",\"receiveCount\":2,"
                    + "\"redeliver\":false,\"input\":{\"a\":[1,\"x\"]}}\n");
        });
    }

    @Test
    void linesBelowTheLevelAreNeitherBuiltNorWritten() {
        JsonLog log = new JsonLog(sink, LogLevel.WARN, null, clock);

        log.at(LogLevel.INFO, "hidden").with("x", 1).write();
        log.at(LogLevel.ERROR, "shown").write();

        assertThat(log.at(LogLevel.DEBUG, "x")).isSameAs(LogLine.DISABLED);
        assertThat(sink.json()).extracting(j -> j.get("message").getAsString()).containsExactly("shown");
        assertThat(sink.json().get(0).has("requestId")).isFalse();
    }

    @Test
    void textIsEscapedSoEveryLineStaysValidJson() {
        new JsonLog(sink, LogLevel.INFO, "r", clock).at(LogLevel.INFO, "quote \" newline \n tab \t unicode ✓ \u0000")
                .with("detail", "</script> \\ \u2028").write();

        JsonObject line = sink.json().get(0);
        assertThat(line.get("message").getAsString()).isEqualTo("quote \" newline \n tab \t unicode ✓ \u0000");
        assertThat(line.get("detail").getAsString()).isEqualTo("</script> \\ \u2028");
        assertThat(sink.lines().get(0).text().indexOf('\n')).isEqualTo(sink.lines().get(0).text().length() - 1);
    }

    @Test
    void forRequestKeepsTheLevelAndChangesSinkAndRequestId() {
        CapturingLogger other = new CapturingLogger();
        JsonLog log = new JsonLog(sink, LogLevel.ERROR, null, clock).forRequest(other, "req-2");

        log.at(LogLevel.INFO, "hidden").write();
        log.at(LogLevel.ERROR, "shown").write();

        assertThat(sink.lines()).isEmpty();
        assertThat(other.json()).singleElement().satisfies(j -> assertThat(j.get("requestId").getAsString()).isEqualTo("req-2"));
    }
}
