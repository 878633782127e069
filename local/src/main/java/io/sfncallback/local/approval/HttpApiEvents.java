package io.sfncallback.local.approval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * API Gateway HTTP API's Lambda proxy payload, format version 2.0, both ways
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
 * {@link #event} writes the event API Gateway sends for a request as the documented JSON (header names lower-cased,
 * duplicate headers joined with commas, cookies in their own field); {@link #bind} turns it into the function's own
 * event class, by its setters, as the Lambda Java runtime deserialises an event; {@link #response} reads the
 * function's response object back into the documented response JSON.
 *
 * <p>Bodies: the documentation says only that a binary body is base64-encoded and flagged {@code isBase64Encoded}.
 * Which content types count as text was measured against AWS by others: a body is passed as text only for
 * {@code text/*}, {@code application/json}, {@code application/xml} and {@code application/javascript}; anything
 * else, {@code application/x-www-form-urlencoded} and a missing Content-Type included, is base64-encoded
 * (ministackorg/ministack pull request 766, "verified the split against real AWS (HTTP API v2, payload 2.0,
 * AWS_PROXY)"; middyjs/middy pull request 603: Slack's form posts reach a function behind an HTTP API base64-encoded).
 * So the approval form's POST reaches the page handler base64-encoded, as it will in AWS.
 */
final class HttpApiEvents {

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

    private HttpApiEvents() {
    }

    /** What API Gateway knows of one request that matched a route. */
    record Request(String method, String routeKey, String rawPath, String rawQuery, Map<String, List<String>> headers,
            Map<String, String> pathParameters, byte[] body, String sourceIp, String host, String protocol,
            String accountId, String apiId, Instant time) {
    }

    /** The payload format 2.0 event of {@code request}. */
    static JsonObject event(Request request) {
        JsonObject event = new JsonObject();
        event.addProperty("version", "2.0");
        event.addProperty("routeKey", request.routeKey());
        event.addProperty("rawPath", request.rawPath());
        event.addProperty("rawQueryString", request.rawQuery() == null ? "" : request.rawQuery());
        Map<String, String> headers = new LinkedHashMap<>();
        JsonArray cookies = new JsonArray();
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                for (String value : values) {
                    for (String cookie : value.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.trim());
                        }
                    }
                }
            } else {
                headers.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        if (!cookies.isEmpty()) {
            event.add("cookies", cookies);
        }
        event.add("headers", stringMap(headers));
        if (request.rawQuery() != null && !request.rawQuery().isEmpty()) {
            event.add("queryStringParameters", stringMap(queryParameters(request.rawQuery())));
        }
        JsonObject context = new JsonObject();
        context.addProperty("accountId", request.accountId());
        context.addProperty("apiId", request.apiId());
        context.addProperty("domainName", request.host());
        int dot = request.host().indexOf('.');
        context.addProperty("domainPrefix", dot > 0 ? request.host().substring(0, dot) : request.host());
        JsonObject http = new JsonObject();
        http.addProperty("method", request.method());
        http.addProperty("path", request.rawPath());
        http.addProperty("protocol", request.protocol());
        http.addProperty("sourceIp", request.sourceIp());
        http.addProperty("userAgent", headers.getOrDefault("user-agent", ""));
        context.add("http", http);
        context.addProperty("requestId", UUID.randomUUID().toString());
        context.addProperty("routeKey", request.routeKey());
        context.addProperty("stage", "$default");
        context.addProperty("time", REQUEST_TIME.format(request.time()));
        context.addProperty("timeEpoch", request.time().toEpochMilli());
        event.add("requestContext", context);
        if (request.body() != null && request.body().length > 0) {
            boolean text = isText(headers.get("content-type"));
            event.addProperty("body", text ? new String(request.body(), StandardCharsets.UTF_8)
                    : Base64.getEncoder().encodeToString(request.body()));
            event.addProperty("isBase64Encoded", !text);
        } else {
            event.addProperty("isBase64Encoded", false);
        }
        // No member when the route has no path variables (the catch-all $default route).
        if (!request.pathParameters().isEmpty()) {
            event.add("pathParameters", stringMap(request.pathParameters()));
        }
        return event;
    }

    /** Whether HTTP API passes a body of this Content-Type as text (see the class comment). */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.equals("application/json") || type.equals("application/xml")
                || type.equals("application/javascript");
    }

    /** Duplicate query parameters are joined with commas, as the documentation says of format 2.0. */
    private static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] nameValue = pair.split("=", 2);
            String name = decode(nameValue[0]);
            String value = nameValue.length > 1 ? decode(nameValue[1]) : "";
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static JsonObject stringMap(Map<String, String> map) {
        JsonObject object = new JsonObject();
        map.forEach(object::addProperty);
        return object;
    }

    /**
     * Builds an instance of {@code type} from {@code json} through its setters ({@code setX} for member {@code x}):
     * strings, numbers, booleans, string maps, string lists and nested objects; members without a setter are
     * ignored.
     */
    static Object bind(JsonObject json, Class<?> type) throws ReflectiveOperationException {
        Object target = type.getConstructor().newInstance();
        for (Map.Entry<String, JsonElement> member : json.entrySet()) {
            if (member.getValue().isJsonNull()) {
                continue;
            }
            Method setter = setter(type, member.getKey());
            if (setter != null) {
                setter.invoke(target, value(member.getValue(), setter.getParameterTypes()[0]));
            }
        }
        return target;
    }

    private static Method setter(Class<?> type, String member) {
        String name = "set" + Character.toUpperCase(member.charAt(0)) + member.substring(1);
        for (Method method : type.getMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == 1) {
                return method;
            }
        }
        return null;
    }

    private static Object value(JsonElement json, Class<?> type) throws ReflectiveOperationException {
        if (type == String.class) {
            return json.getAsString();
        }
        if (type == long.class || type == Long.class) {
            return json.getAsLong();
        }
        if (type == int.class || type == Integer.class) {
            return json.getAsInt();
        }
        if (type == boolean.class || type == Boolean.class) {
            return json.getAsBoolean();
        }
        if (Map.class.isAssignableFrom(type)) {
            Map<String, String> map = new LinkedHashMap<>();
            json.getAsJsonObject().entrySet().forEach(e -> map.put(e.getKey(), e.getValue().getAsString()));
            return map;
        }
        if (List.class.isAssignableFrom(type)) {
            List<String> list = new ArrayList<>();
            json.getAsJsonArray().forEach(item -> list.add(item.getAsString()));
            return list;
        }
        return bind(json.getAsJsonObject(), type);
    }

    /**
     * The function's response (an {@code APIGatewayV2HTTPResponse} of its class loader) as the documented response
     * JSON: statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded.
     */
    static JsonObject response(Object response) throws ReflectiveOperationException {
        JsonObject json = new JsonObject();
        Class<?> type = response.getClass();
        json.addProperty("statusCode", (Integer) type.getMethod("getStatusCode").invoke(response));
        json.add("headers", stringMapOrNull(type.getMethod("getHeaders").invoke(response)));
        Object multiValueHeaders = type.getMethod("getMultiValueHeaders").invoke(response);
        if (multiValueHeaders instanceof Map<?, ?> map) {
            JsonObject object = new JsonObject();
            map.forEach((name, values) -> {
                JsonArray array = new JsonArray();
                ((List<?>) values).forEach(value -> array.add(String.valueOf(value)));
                object.add(String.valueOf(name), array);
            });
            json.add("multiValueHeaders", object);
        }
        Object cookies = type.getMethod("getCookies").invoke(response);
        if (cookies instanceof List<?> list) {
            JsonArray array = new JsonArray();
            list.forEach(cookie -> array.add(String.valueOf(cookie)));
            json.add("cookies", array);
        }
        Object body = type.getMethod("getBody").invoke(response);
        json.add("body", body == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive((String) body));
        json.addProperty("isBase64Encoded", (Boolean) type.getMethod("getIsBase64Encoded").invoke(response));
        return json;
    }

    private static JsonElement stringMapOrNull(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return JsonNull.INSTANCE;
        }
        JsonObject object = new JsonObject();
        map.forEach((name, text) -> object.addProperty(String.valueOf(name), String.valueOf(text)));
        return object;
    }
}
