package io.sfncallback.local.api;

import com.google.gson.JsonObject;

/** One API operation of the endpoint: the operation name and the request body in, the response body out. */
@FunctionalInterface
public interface ApiCall {

    JsonObject call(String operation, JsonObject body) throws ApiException;
}
