package io.sfncallback.approval.snapstart;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.sfncallback.core.snapstart.CannedHttpClient.Answer;
import io.sfncallback.core.snapstart.CannedHttpClient.Request;
import io.sfncallback.core.snapstart.CannedHttpClient.Responder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DynamoDB, SNS and Step Functions as the approval functions' first requests meet them, answered
 * from memory for the priming hooks: a pending request with one link and one approver, a Publish
 * that returns a message id, its execution running (DescribeExecution), SendTaskSuccess accepted and SendTaskFailure refused with TaskTimedOut
 * (so that both the success and the error unmarshalling are exercised). A second PutItem of the same
 * key fails its condition, as it does in DynamoDB. Nothing is stored beyond the keys already put.
 */
final class CannedServices implements Responder {

    static final String APPROVER = "approver@priming.invalid";
    static final String EXECUTION_ARN = "arn:aws:states:us-east-1:000000000000:execution:priming:priming";
    static final String TASK_TOKEN = "priming-task-token";
    /** The form key of the canned request, so the priming can post a form token that matches. */
    static final byte[] FORM_KEY = new byte[32];

    private static final String DYNAMODB = "DynamoDB_20120810.";
    private static final String SFN = "AWSStepFunctions.";

    private final Clock clock;
    private final Set<String> put = ConcurrentHashMap.newKeySet();

    CannedServices(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Answer answer(Request request) {
        String target = request.target();
        if (target.isEmpty() && request.body().contains("Action=Publish")) {
            return Answer.xml("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                    + "<PublishResult><MessageId>priming-message</MessageId></PublishResult>"
                    + "<ResponseMetadata><RequestId>priming</RequestId></ResponseMetadata></PublishResponse>");
        }
        return switch (target) {
            case DYNAMODB + "PutItem" -> put.add(key(request, "Item"))
                    ? Answer.json("{}")
                    : Answer.jsonError(400, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                            "The conditional request failed");
            case DYNAMODB + "GetItem" -> Answer.json(getItem(key(request, "Key")));
            case DYNAMODB + "UpdateItem" -> Answer.json(request.body().contains("\"ALL_NEW\"")
                    ? "{\"Attributes\":" + requestItem(requestIdOf(key(request, "Key")), true) + "}"
                    : "{}");
            case SFN + "SendTaskSuccess", SFN + "SendTaskHeartbeat" -> Answer.json("{}");
            case SFN + "SendTaskFailure" -> Answer.jsonError(400, "TaskTimedOut", "Task Timed Out");
            case SFN + "DescribeExecution" -> Answer.json("{\"executionArn\":\"" + EXECUTION_ARN + "\","
                    + "\"stateMachineArn\":\"arn:aws:states:us-east-1:000000000000:stateMachine:priming\","
                    + "\"status\":\"RUNNING\",\"startDate\":" + now().getEpochSecond() + "}");
            default -> Answer.jsonError(400, "UnknownOperationException", "not canned for priming: " + target);
        };
    }

    private String getItem(String pk) {
        if (pk.startsWith("link#")) {
            return "{\"Item\":" + linkItem() + "}";
        }
        if (pk.startsWith("request#")) {
            return "{\"Item\":" + requestItem(requestIdOf(pk), false) + "}";
        }
        return "{}";
    }

    private JsonObject linkItem() {
        JsonObject item = new JsonObject();
        item.add("requestId", s("priming-request"));
        item.add("approver", s(APPROVER));
        item.add("executionArn", s(EXECUTION_ARN));
        item.add("createdAt", s(now().toString()));
        item.add("expiresAt", s(now().plus(Duration.ofHours(1)).toString()));
        return item;
    }

    /** The request as GetItem returns it (pending, its approver notified) or as a claim's ALL_NEW returns it. */
    private JsonObject requestItem(String requestId, boolean claimed) {
        JsonObject item = new JsonObject();
        item.add("requestId", s(requestId));
        item.add("taskToken", s(TASK_TOKEN));
        item.add("executionArn", s(EXECUTION_ARN));
        item.add("summary", s("Priming request"));
        JsonObject approvers = new JsonObject();
        JsonArray list = new JsonArray();
        list.add(s(APPROVER));
        approvers.add("L", list);
        item.add("approvers", approvers);
        JsonObject notified = new JsonObject();
        JsonArray set = new JsonArray();
        set.add(APPROVER);
        notified.add("SS", set);
        item.add("notified", notified);
        item.add("createdAt", s(now().toString()));
        item.add("expiresAt", s(now().plus(Duration.ofHours(1)).toString()));
        JsonObject formKey = new JsonObject();
        formKey.addProperty("B", Base64.getEncoder().encodeToString(FORM_KEY));
        item.add("formKey", formKey);
        item.add("status", s(claimed ? "DECIDING" : "PENDING"));
        if (claimed) {
            item.add("claimId", s("priming-claim"));
            JsonObject until = new JsonObject();
            until.addProperty("N", Long.toString(now().plus(Duration.ofMinutes(1)).toEpochMilli()));
            item.add("claimedUntil", until);
            item.add("decision", s("approve"));
            item.add("decidedBy", s(APPROVER));
            item.add("decidedAt", s(now().toString()));
            item.add("decidedVia", s("priming"));
        }
        return item;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** The partition key {@code pk} of the item or key named {@code field} in a DynamoDB request. */
    private static String key(Request request, String field) {
        return JsonParser.parseString(request.body()).getAsJsonObject()
                .getAsJsonObject(field).getAsJsonObject("pk").get("S").getAsString();
    }

    private static String requestIdOf(String pk) {
        return pk.substring(pk.indexOf('#') + 1);
    }

    private static JsonObject s(String value) {
        JsonObject attribute = new JsonObject();
        attribute.addProperty("S", value);
        return attribute;
    }
}
