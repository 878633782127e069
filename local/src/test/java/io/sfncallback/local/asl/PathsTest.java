package io.sfncallback.local.asl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import io.sfncallback.local.json.Json;
import org.junit.jupiter.api.Test;

class PathsTest {

    @Test
    void resultPathPlacesTheResultCreatingMissingObjects() throws Exception {
        ResultPath path = new ResultPath(ReferencePath.of("$.a.b"));
        assertEquals(Json.parse("{\"x\":1,\"a\":{\"b\":[2]}}"), path.apply(Json.parse("{\"x\":1}"), Json.parse("[2]")));
        assertEquals(Json.parse("{\"a\":{\"c\":0,\"b\":1}}"),
                path.apply(Json.parse("{\"a\":{\"c\":0}}"), Json.parse("1")));
        assertEquals(Json.parse("5"), ResultPath.root().apply(Json.parse("{\"x\":1}"), Json.parse("5")));
        assertEquals(Json.parse("{\"x\":1}"), ResultPath.DISCARD.apply(Json.parse("{\"x\":1}"), Json.parse("5")));
        assertEquals(Json.parse("{\"a b\":1}"),
                new ResultPath(ReferencePath.of("$['a b']")).apply(Json.parse("{}"), Json.parse("1")));
    }

    @Test
    void resultPathCannotBeAppliedToAnInputThatIsNotAnObject() throws Exception {
        ResultPath path = new ResultPath(ReferencePath.of("$.result"));
        assertThrows(ReferencePath.ResultPathMatchFailure.class, () -> path.apply(Json.parse("[1]"), Json.parse("1")));
        assertThrows(ReferencePath.ResultPathMatchFailure.class,
                () -> new ResultPath(ReferencePath.of("$.a.b")).apply(Json.parse("{\"a\":3}"), Json.parse("1")));
    }

    @Test
    void referencePathsNameFieldsOnly() {
        assertThrows(InvalidDefinitionException.class, () -> ReferencePath.of("$.a[*]"));
        assertThrows(InvalidDefinitionException.class, () -> ReferencePath.of("$..a"));
        assertThrows(InvalidDefinitionException.class, () -> ReferencePath.of("$.a[0]"));
        assertThrows(InvalidDefinitionException.class, () -> ReferencePath.of("result"));
    }

    @Test
    void payloadTemplatesReadTheInputAndTheContextObject() throws Exception {
        JsonObject template = Json.parse("""
                {"QueueUrl":"q","MessageBody":{"Token.$":"$$.Task.Token","All.$":"$","First.$":"$.items[0]",
                 "Literal":{"keep":"$.not-a-path"}}}""").getAsJsonObject();
        PayloadTemplate payload = PayloadTemplate.compile(template, "test");
        JsonObject result = payload.evaluate(Json.parse("{\"items\":[\"a\",\"b\"]}"),
                Json.parse("{\"Task\":{\"Token\":\"tok\"}}"));
        assertEquals(Json.parse("""
                {"QueueUrl":"q","MessageBody":{"Token":"tok","All":{"items":["a","b"]},"First":"a",
                 "Literal":{"keep":"$.not-a-path"}}}"""), result);
        assertThrows(PayloadTemplate.ParameterPathFailure.class,
                () -> payload.evaluate(Json.parse("{}"), Json.parse("{\"Task\":{\"Token\":\"tok\"}}")));
    }

    @Test
    void retryDelaysGrowByTheBackoffRateUpToMaxDelayAndFullJitterScalesThem() {
        Retrier retrier = new Retrier(java.util.List.of("X"), 2, 5, 3.0, 10, Retrier.Jitter.NONE);
        assertEquals(2000, retrier.delayMillis(0, () -> 0.5));
        assertEquals(6000, retrier.delayMillis(1, () -> 0.5));
        assertEquals(10_000, retrier.delayMillis(2, () -> 0.5));
        Retrier jittered = new Retrier(java.util.List.of("X"), 2, 5, 3.0, null, Retrier.Jitter.FULL);
        assertEquals(9000, jittered.delayMillis(2, () -> 0.5));
    }

    @Test
    void theTemplateRendererInterpolatesLikeTemplatefile() throws Exception {
        TemplateRenderer renderer = new TemplateRenderer();
        assertEquals("a=1 ${b} 2", renderer.render("a=${a} $${b} ${ c }", java.util.Map.of("a", "1", "c", "2")));
        assertThrows(InvalidDefinitionException.class, () -> renderer.render("${missing}", java.util.Map.of()));
        assertThrows(InvalidDefinitionException.class, () -> renderer.render("%{ if x }", java.util.Map.of()));
    }
}
