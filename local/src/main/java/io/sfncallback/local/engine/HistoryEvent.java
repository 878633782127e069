package io.sfncallback.local.engine;

import com.google.gson.JsonObject;
import java.time.Instant;

/**
 * One entry of an execution's history, as GetExecutionHistory returns it: {@code detailsField} is the name of
 * the type's details member (e.g. {@code taskFailedEventDetails}) and {@code details} its content.
 */
public record HistoryEvent(long id, long previousEventId, Instant timestamp, String type, String detailsField,
        JsonObject details) {
}
