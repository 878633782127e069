package io.sfncallback.approval.store;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The approval requests and their links in one DynamoDB table (partition key {@code pk}, a string;
 * TTL on the number attribute {@code ttl}).
 *
 * <ul>
 *   <li>{@code request#<requestId>}: the request item, with the task token;</li>
 *   <li>{@code link#<sha-256 of the link secret>}: one link item per approver.</li>
 * </ul>
 *
 * <p>Every change that must happen at most once is a conditional write: a request is created once
 * per token ({@code attribute_not_exists}), and a decision is claimed once per request, across all of
 * its links, only while the request is pending and unexpired. Reads are strongly consistent, so a
 * page never shows a decision it has not seen. Items carry {@code ttl} = expiry + retention: DynamoDB
 * deletes expired items only eventually (typically within two days, and they "still show up in
 * reads" until then:
 * <a href="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html">UpdateTimeToLive</a>),
 * so expiry is always checked from {@code expiresAt}, never inferred from an item's absence.
 *
 * <p>Errors other than a failed condition are the SDK's exceptions, after its retries.
 */
public final class ApprovalStore {

    static final String PK = "pk";
    static final String TTL = "ttl";
    static final String REQUEST_PREFIX = "request#";
    static final String LINK_PREFIX = "link#";

    /** Second-precision, fixed-width ISO-8601 UTC: strings of this form sort as the instants do. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final DynamoDbClient db;
    private final String table;
    private final Duration retention;

    /**
     * @param retention how long items are kept after they expire (the audit record lives on the
     *                  request item)
     */
    public ApprovalStore(DynamoDbClient db, String table, Duration retention) {
        this.db = Objects.requireNonNull(db, "db");
        this.table = Objects.requireNonNull(table, "table");
        this.retention = Objects.requireNonNull(retention, "retention");
    }

    /** The new request, as the request handler makes it. */
    public record NewRequest(String requestId, String taskToken, String executionArn, String summary,
                             List<String> approvers, Instant createdAt, Instant expiresAt, byte[] formKey) {
        @Override
        public String toString() {
            return "NewRequest[requestId=" + requestId + ", executionArn=" + executionArn + "]";
        }
    }

    /** What {@link #createRequest} found: the request it made, or the one an earlier attempt made. */
    public record Creation(RequestRecord request, boolean created) {
    }

    /** The outcome of {@link #claim}. */
    public sealed interface Claim {
        /** The decision is this caller's to send; {@code request} holds the task token. */
        record Claimed(RequestRecord request) implements Claim {
        }

        /** Someone decided first, the request expired or closed, or it is gone ({@code current} is null). */
        record Refused(RequestRecord current) implements Claim {
        }
    }

    /**
     * Creates the request item unless one already exists for this token (a retried invocation).
     */
    public Creation createRequest(NewRequest request) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(REQUEST_PREFIX + request.requestId()));
        item.put("kind", s("request"));
        item.put("requestId", s(request.requestId()));
        item.put("taskToken", s(request.taskToken()));
        item.put("executionArn", s(request.executionArn()));
        item.put("summary", s(request.summary()));
        item.put("approvers", AttributeValue.fromL(request.approvers().stream().map(ApprovalStore::s).toList()));
        item.put("createdAt", s(TIME.format(request.createdAt())));
        item.put("expiresAt", s(TIME.format(request.expiresAt())));
        item.put(TTL, ttl(request.expiresAt()));
        item.put("status", s(Status.PENDING.name()));
        item.put("formKey", AttributeValue.fromB(SdkBytes.fromByteArray(request.formKey())));
        try {
            db.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            return new Creation(toRequest(item), true);
        } catch (ConditionalCheckFailedException e) {
            RequestRecord existing = request(request.requestId())
                    .orElseThrow(() -> new IllegalStateException("request " + request.requestId() + " exists but cannot be read"));
            return new Creation(existing, false);
        }
    }

    /** The request, read strongly consistently. */
    public Optional<RequestRecord> request(String requestId) {
        GetItemResponse response = db.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(PK, s(REQUEST_PREFIX + requestId))));
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(toRequest(response.item())) : Optional.empty();
    }

    /** Records that {@code approver}'s e-mail went out, so a retry does not send it again. */
    public void markNotified(String requestId, String approver) {
        db.updateItem(r -> r.tableName(table)
                .key(Map.of(PK, s(REQUEST_PREFIX + requestId)))
                .updateExpression("ADD #notified :approver")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#notified", "notified", "#pk", PK))
                .expressionAttributeValues(Map.of(":approver", AttributeValue.fromSs(List.of(approver)))));
    }

    /** Stores a new link; refuses (with ConditionalCheckFailedException) to overwrite one. */
    public void putLink(LinkRecord link) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(LINK_PREFIX + link.linkHash()));
        item.put("kind", s("link"));
        item.put("requestId", s(link.requestId()));
        item.put("approver", s(link.approver()));
        item.put("executionArn", s(link.executionArn()));
        item.put("createdAt", s(TIME.format(link.createdAt())));
        item.put("expiresAt", s(TIME.format(link.expiresAt())));
        item.put(TTL, ttl(link.expiresAt()));
        db.putItem(r -> r.tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK)));
    }

    /** The link whose secret hashes to {@code linkHash}. */
    public Optional<LinkRecord> link(String linkHash) {
        GetItemResponse response = db.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(PK, s(LINK_PREFIX + linkHash))));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = response.item();
        return Optional.of(new LinkRecord(linkHash, str(item, "requestId"), str(item, "approver"),
                str(item, "executionArn"), instant(item, "createdAt"), instant(item, "expiresAt")));
    }

    /**
     * Claims the one decision of a request: succeeds only while the request is pending (or its last
     * claim has lapsed) and unexpired at {@code now}. The claim records the decision; the caller then
     * sends it and ends the claim with {@link #finish}, {@link #release} or {@link #close}.
     */
    public Claim claim(String requestId, String claimId, Decision decision, Instant now, Duration lease) {
        Update update = new Update()
                .set("status", s(Status.DECIDING.name()))
                .set("claimId", s(claimId))
                .set("claimedUntil", n(now.plus(lease).toEpochMilli()))
                .set("decision", s(decision.approved() ? "approve" : "reject"))
                .set("decidedBy", s(decision.approver()))
                .set("decidedAt", s(decision.decidedAt().toString()))
                .set("decidedVia", s(decision.linkFingerprint()))
                .setOrRemove("comment", decision.comment())
                .setOrRemove("decidedFromIp", decision.sourceIp())
                .setOrRemove("decidedUserAgent", decision.userAgent());
        update.names.put("#pk", PK);
        update.names.put("#expiresAt", "expiresAt");
        update.values.put(":pending", s(Status.PENDING.name()));
        update.values.put(":deciding", s(Status.DECIDING.name()));
        update.values.put(":now", s(TIME.format(now)));
        update.values.put(":nowMs", n(now.toEpochMilli()));
        String condition = "attribute_exists(#pk) AND #expiresAt > :now AND (#status = :pending"
                + " OR (#status = :deciding AND #claimedUntil < :nowMs))";
        try {
            UpdateItemResponse response = db.updateItem(r -> r.tableName(table)
                    .key(Map.of(PK, s(REQUEST_PREFIX + requestId)))
                    .updateExpression(update.expression())
                    .conditionExpression(condition)
                    .expressionAttributeNames(update.names)
                    .expressionAttributeValues(update.values)
                    .returnValues(ReturnValue.ALL_NEW));
            return new Claim.Claimed(toRequest(response.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return new Claim.Refused(request(requestId).orElse(null));
        }
    }

    /** Ends a claim whose decision Step Functions accepted: the request is decided and the token forgotten. */
    public boolean finish(String requestId, String claimId, boolean approved) {
        Update update = new Update()
                .set("status", s((approved ? Status.APPROVED : Status.REJECTED).name()))
                .remove("taskToken").remove("claimId").remove("claimedUntil");
        return endClaim(requestId, claimId, update);
    }

    /** Ends a claim whose decision could not be sent: the request is pending again, as if nobody had clicked. */
    public boolean release(String requestId, String claimId) {
        Update update = new Update()
                .set("status", s(Status.PENDING.name()))
                .remove("claimId").remove("claimedUntil").removeDecision();
        return endClaim(requestId, claimId, update);
    }

    /** Ends a claim whose task had already closed: no decision was taken, and none can be. */
    public boolean close(String requestId, String claimId, String reason, Instant now) {
        Update update = new Update()
                .set("status", s(Status.CLOSED.name()))
                .set("closedReason", s(reason))
                .set("closedAt", s(TIME.format(now)))
                .remove("taskToken").remove("claimId").remove("claimedUntil").removeDecision();
        return endClaim(requestId, claimId, update);
    }

    /**
     * Closes a request whose execution ended without a decision (stopped, failed, timed out): only while
     * nobody holds a claim on it (pending, or its claim's lease lapsed), so a decision being sent right now
     * is never overwritten. The token is forgotten with it. Returns whether this call closed it.
     */
    public boolean closeEnded(String requestId, String reason, Instant now) {
        Update update = new Update()
                .set("status", s(Status.CLOSED.name()))
                .set("closedReason", s(reason))
                .set("closedAt", s(TIME.format(now)))
                .remove("taskToken").remove("claimId").remove("claimedUntil").removeDecision();
        update.names.put("#pk", PK);
        update.values.put(":pending", s(Status.PENDING.name()));
        update.values.put(":deciding", s(Status.DECIDING.name()));
        update.values.put(":nowMs", n(now.toEpochMilli()));
        try {
            db.updateItem(r -> r.tableName(table)
                    .key(Map.of(PK, s(REQUEST_PREFIX + requestId)))
                    .updateExpression(update.expression())
                    .conditionExpression("attribute_exists(#pk) AND (#status = :pending"
                            + " OR (#status = :deciding AND #claimedUntil < :nowMs))")
                    .expressionAttributeNames(update.names)
                    .expressionAttributeValues(update.values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private boolean endClaim(String requestId, String claimId, Update update) {
        update.values.put(":claim", s(claimId));
        try {
            db.updateItem(r -> r.tableName(table)
                    .key(Map.of(PK, s(REQUEST_PREFIX + requestId)))
                    .updateExpression(update.expression())
                    .conditionExpression("#claimId = :claim")
                    .expressionAttributeNames(update.names)
                    .expressionAttributeValues(update.values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private AttributeValue ttl(Instant expiresAt) {
        return n(expiresAt.plus(retention).getEpochSecond());
    }

    /** An update expression whose every attribute name goes through a placeholder (several are reserved words). */
    /** What a claim records of its decision. */
    private static final List<String> DECISION_ATTRIBUTES =
            List.of("decision", "decidedBy", "decidedAt", "decidedVia", "comment", "decidedFromIp", "decidedUserAgent");

    private static final class Update {
        final Map<String, String> names = new LinkedHashMap<>();
        final Map<String, AttributeValue> values = new LinkedHashMap<>();
        private final List<String> sets = new ArrayList<>();
        private final List<String> removes = new ArrayList<>();

        Update set(String attribute, AttributeValue value) {
            names.put("#" + attribute, attribute);
            values.put(":" + attribute, value);
            sets.add("#" + attribute + " = :" + attribute);
            return this;
        }

        Update setOrRemove(String attribute, String value) {
            return value == null ? remove(attribute) : set(attribute, s(value));
        }

        Update remove(String attribute) {
            names.put("#" + attribute, attribute);
            removes.add("#" + attribute);
            return this;
        }

        /** Removes every attribute a claim's decision sets (see {@code claim}). */
        Update removeDecision() {
            for (String attribute : DECISION_ATTRIBUTES) {
                remove(attribute);
            }
            return this;
        }

        String expression() {
            String expression = sets.isEmpty() ? "" : "SET " + String.join(", ", sets);
            if (!removes.isEmpty()) {
                expression += (expression.isEmpty() ? "" : " ") + "REMOVE " + String.join(", ", removes);
            }
            return expression;
        }
    }

    static RequestRecord toRequest(Map<String, AttributeValue> item) {
        Decision decision = null;
        if (item.containsKey("decision")) {
            decision = new Decision("approve".equals(str(item, "decision")), str(item, "decidedBy"), str(item, "comment"),
                    Instant.parse(str(item, "decidedAt")), str(item, "decidedVia"), str(item, "decidedFromIp"),
                    str(item, "decidedUserAgent"));
        }
        AttributeValue notified = item.get("notified");
        AttributeValue claimedUntil = item.get("claimedUntil");
        return new RequestRecord(
                str(item, "requestId"),
                str(item, "taskToken"),
                str(item, "executionArn"),
                str(item, "summary"),
                item.get("approvers").l().stream().map(AttributeValue::s).toList(),
                instant(item, "createdAt"),
                instant(item, "expiresAt"),
                Status.valueOf(str(item, "status")),
                item.get("formKey").b().asByteArray(),
                notified == null ? Set.of() : Set.copyOf(notified.ss()),
                str(item, "claimId"),
                claimedUntil == null ? null : Instant.ofEpochMilli(Long.parseLong(claimedUntil.n())),
                decision,
                str(item, "closedReason"));
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        return Instant.parse(str(item, name));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
