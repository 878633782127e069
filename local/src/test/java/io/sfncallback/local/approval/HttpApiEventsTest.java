package io.sfncallback.local.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The payload format 2.0 event and response, against the structure API Gateway documents
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html) and the
 * aws-lambda-java-events classes the page handler takes.
 */
class HttpApiEventsTest {

    private static HttpApiEvents.Request request(String method, String contentType, String body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Host", List.of("127.0.0.1:8085"));
        headers.put("User-Agent", List.of("Mozilla/5.0 test"));
        headers.put("Accept", List.of("text/html", "application/xhtml+xml"));
        headers.put("Cookie", List.of("a=1; b=2"));
        if (contentType != null) {
            headers.put("Content-Type", List.of(contentType));
        }
        return new HttpApiEvents.Request(method, method + " /approvals/{link}", "/approvals/abc", "x=1&x=2&y=%20z",
                headers, Map.of("link", "abc"), body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                "127.0.0.1", "127.0.0.1:8085", "HTTP/1.1", "123456789012", "local",
                Instant.parse("2020-03-12T19:03:58.390Z"));
    }

    @Test
    void theEventHasTheDocumentedShape() {
        JsonObject event = HttpApiEvents.event(request("GET", null, null));
        assertEquals("2.0", event.get("version").getAsString());
        assertEquals("GET /approvals/{link}", event.get("routeKey").getAsString());
        assertEquals("/approvals/abc", event.get("rawPath").getAsString());
        assertEquals("x=1&x=2&y=%20z", event.get("rawQueryString").getAsString());
        JsonObject headers = event.getAsJsonObject("headers");
        // Names lower-cased, duplicates joined with commas, cookies in their own field.
        assertEquals("text/html,application/xhtml+xml", headers.get("accept").getAsString());
        assertEquals("Mozilla/5.0 test", headers.get("user-agent").getAsString());
        assertFalse(headers.has("cookie"));
        assertEquals("[\"a=1\",\"b=2\"]", event.get("cookies").toString());
        assertEquals("1,2", event.getAsJsonObject("queryStringParameters").get("x").getAsString());
        assertEquals(" z", event.getAsJsonObject("queryStringParameters").get("y").getAsString());
        assertEquals("abc", event.getAsJsonObject("pathParameters").get("link").getAsString());
        JsonObject context = event.getAsJsonObject("requestContext");
        assertEquals("$default", context.get("stage").getAsString());
        assertEquals("12/Mar/2020:19:03:58 +0000", context.get("time").getAsString());
        assertEquals(1584039838390L, context.get("timeEpoch").getAsLong());
        assertEquals("GET", context.getAsJsonObject("http").get("method").getAsString());
        assertEquals("127.0.0.1", context.getAsJsonObject("http").get("sourceIp").getAsString());
        assertFalse(event.has("body"));
        assertFalse(event.get("isBase64Encoded").getAsBoolean());
    }

    @Test
    void aFormBodyIsBase64EncodedAndJsonOrTextIsNot() {
        JsonObject form = HttpApiEvents.event(request("POST", "application/x-www-form-urlencoded", "decision=approve"));
        assertTrue(form.get("isBase64Encoded").getAsBoolean());
        assertEquals("decision=approve", new String(Base64.getDecoder().decode(form.get("body").getAsString()),
                StandardCharsets.UTF_8));
        JsonObject json = HttpApiEvents.event(request("POST", "application/json; charset=utf-8", "{\"a\":1}"));
        assertFalse(json.get("isBase64Encoded").getAsBoolean());
        assertEquals("{\"a\":1}", json.get("body").getAsString());
        assertTrue(HttpApiEvents.isText("text/plain"));
        assertFalse(HttpApiEvents.isText(null));
        assertFalse(HttpApiEvents.isText("multipart/form-data; boundary=x"));
    }

    @Test
    void theEventBindsToTheLambdaEventsClass() throws Exception {
        JsonObject json = HttpApiEvents.event(request("POST", "application/x-www-form-urlencoded", "decision=approve"));
        APIGatewayV2HTTPEvent event = (APIGatewayV2HTTPEvent) HttpApiEvents.bind(json, APIGatewayV2HTTPEvent.class);
        assertEquals("POST /approvals/{link}", event.getRouteKey());
        assertEquals("abc", event.getPathParameters().get("link"));
        assertEquals("127.0.0.1:8085", event.getHeaders().get("host"));
        assertEquals(List.of("a=1", "b=2"), event.getCookies());
        assertTrue(event.getIsBase64Encoded());
        assertEquals("POST", event.getRequestContext().getHttp().getMethod());
        assertEquals("Mozilla/5.0 test", event.getRequestContext().getHttp().getUserAgent());
        assertEquals("127.0.0.1:8085", event.getRequestContext().getDomainName());
        assertEquals(1584039838390L, event.getRequestContext().getTimeEpoch());
    }

    @Test
    void theResponseIsReadWhole() throws Exception {
        JsonObject response = HttpApiEvents.response(APIGatewayV2HTTPResponse.builder().withStatusCode(409)
                .withHeaders(Map.of("Content-Type", "text/html; charset=utf-8")).withCookies(List.of("c=1"))
                .withBody("<p>x</p>").withIsBase64Encoded(false).build());
        assertEquals(409, response.get("statusCode").getAsInt());
        assertEquals("text/html; charset=utf-8", response.getAsJsonObject("headers").get("Content-Type").getAsString());
        assertEquals("[\"c=1\"]", response.get("cookies").toString());
        assertEquals("<p>x</p>", response.get("body").getAsString());
        assertFalse(response.get("isBase64Encoded").getAsBoolean());
        assertNull(response.get("multiValueHeaders"));
    }
}
