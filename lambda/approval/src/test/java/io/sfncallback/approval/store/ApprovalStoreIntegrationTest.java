package io.sfncallback.approval.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sfncallback.approval.link.LinkSecrets;
import io.sfncallback.approval.store.ApprovalStore.Claim;
import io.sfncallback.approval.store.ApprovalStore.Creation;
import io.sfncallback.approval.store.ApprovalStore.NewRequest;
import io.sfncallback.testkit.DynamoDbLocal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The store's conditional writes against DynamoDB Local, the emulator AWS publishes: what makes a
 * request single-use and its creation idempotent.
 */
class ApprovalStoreIntegrationTest {

    private static final Duration RETENTION = Duration.ofDays(30);
    private static final Duration LEASE = Duration.ofSeconds(40);
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    private static final String EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:machine:order-42";

    private static DynamoDbLocal dynamo;
    private static DynamoDbClient db;
    private String table;
    private ApprovalStore store;

    @BeforeAll
    static void startDynamoDbLocal() throws Exception {
        dynamo = DynamoDbLocal.start();
        db = dynamo.client();
    }

    @AfterAll
    static void stopDynamoDbLocal() throws Exception {
        db.close();
        dynamo.close();
    }

    @BeforeEach
    void freshTable() {
        table = "approvals-" + UUID.randomUUID();
        dynamo.createApprovalsTable(table);
        store = new ApprovalStore(db, table, RETENTION);
    }

    private static NewRequest request(String token, List<String> approvers, Instant expiresAt) {
        return new NewRequest(LinkSecrets.requestId(token), token, EXECUTION, "Order 42: 3 laptops, EUR 4,200",
                approvers, NOW, expiresAt, new byte[32]);
    }

    private static Decision decision(String approver) {
        return new Decision(true, approver, "fine", NOW, "0123456789ab", "203.0.113.9", "Mozilla/5.0");
    }

    private Map<String, AttributeValue> rawItem(String pk) {
        return db.getItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk))).consistentRead(true)).item();
    }

    @Test
    void creatingTheSameRequestTwiceKeepsTheFirst() {
        Creation first = store.createRequest(request("token-1", List.of("a@example.com"), NOW.plusSeconds(3600)));
        Creation second = store.createRequest(request("token-1", List.of("a@example.com", "b@example.com"), NOW.plusSeconds(7200)));

        assertThat(first.created()).isTrue();
        assertThat(second.created()).as("a retry finds the request instead of making another").isFalse();
        assertThat(second.request().approvers()).containsExactly("a@example.com");
        assertThat(second.request().expiresAt()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(second.request().taskToken()).isEqualTo("token-1");
        assertThat(db.scan(r -> r.tableName(table)).count()).isEqualTo(1);
    }

    @Test
    void itemsCarryANumericTtlOfExpiryPlusRetention() {
        Instant expires = NOW.plusSeconds(86_400);
        store.createRequest(request("token-ttl", List.of("a@example.com"), expires));
        store.putLink(new LinkRecord("ab".repeat(32), LinkSecrets.requestId("token-ttl"), "a@example.com", EXECUTION, NOW, expires));

        long expected = expires.plus(RETENTION).getEpochSecond();
        AttributeValue requestTtl = rawItem("request#" + LinkSecrets.requestId("token-ttl")).get("ttl");
        AttributeValue linkTtl = rawItem("link#" + "ab".repeat(32)).get("ttl");
        // TTL reads a Number attribute holding epoch seconds:
        // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
        assertThat(requestTtl.n()).isEqualTo(Long.toString(expected));
        assertThat(linkTtl.n()).isEqualTo(Long.toString(expected));
        assertThat(db.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription().attributeName()).isEqualTo("ttl");
    }

    @Test
    void aLinkItemHoldsTheHashOfItsSecretAndNeverTheSecret() {
        String secret = new LinkSecrets().newSecret();
        String hash = LinkSecrets.hash(secret);
        store.putLink(new LinkRecord(hash, "rid", "a@example.com", EXECUTION, NOW, NOW.plusSeconds(60)));

        String everything = db.scan(r -> r.tableName(table)).items().toString();
        assertThat(everything).contains(hash).doesNotContain(secret);
        assertThat(store.link(hash)).get().extracting(LinkRecord::approver).isEqualTo("a@example.com");
        assertThat(store.link(LinkSecrets.hash(secret + "x"))).isEmpty();
    }

    @Test
    void aLinkIsNeverOverwritten() {
        LinkRecord link = new LinkRecord("cd".repeat(32), "rid", "a@example.com", EXECUTION, NOW, NOW.plusSeconds(60));
        store.putLink(link);

        assertThatThrownBy(() -> store.putLink(new LinkRecord("cd".repeat(32), "other", "evil@example.com", EXECUTION, NOW, NOW.plusSeconds(60))))
                .isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(store.link("cd".repeat(32))).get().extracting(LinkRecord::approver).isEqualTo("a@example.com");
    }

    @Test
    void notifiedApproversAccumulate() {
        String id = store.createRequest(request("token-n", List.of("a@example.com", "b@example.com"), NOW.plusSeconds(60))).request().requestId();
        store.markNotified(id, "a@example.com");
        store.markNotified(id, "b@example.com");
        store.markNotified(id, "a@example.com");

        assertThat(store.request(id)).get().extracting(RequestRecord::notified)
                .isEqualTo(java.util.Set.of("a@example.com", "b@example.com"));
    }

    @Test
    void ofConcurrentDecisionsExactlyOneWins() throws Exception {
        List<String> approvers = List.of("a@example.com", "b@example.com", "c@example.com", "d@example.com");
        String id = store.createRequest(request("token-race", approvers, NOW.plusSeconds(3600))).request().requestId();
        int contenders = 8;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Claim>> claims = new ArrayList<>();
        try {
            for (int i = 0; i < contenders; i++) {
                String approver = approvers.get(i % approvers.size());
                Callable<Claim> claim = () -> {
                    start.await();
                    return store.claim(id, UUID.randomUUID().toString(), decision(approver), NOW.plusSeconds(1), LEASE);
                };
                claims.add(pool.submit(claim));
            }
            start.countDown();
            List<Claim> results = new ArrayList<>();
            for (Future<Claim> claim : claims) {
                results.add(claim.get(60, TimeUnit.SECONDS));
            }
            assertThat(results).filteredOn(c -> c instanceof Claim.Claimed).hasSize(1);
            assertThat(results).filteredOn(c -> c instanceof Claim.Refused).hasSize(contenders - 1)
                    .allSatisfy(c -> assertThat(((Claim.Refused) c).current().status()).isEqualTo(Status.DECIDING));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimGivesTheTokenAndRecordsTheDecision() {
        String id = store.createRequest(request("token-claim", List.of("a@example.com"), NOW.plusSeconds(60))).request().requestId();

        Claim claim = store.claim(id, "claim-1", decision("a@example.com"), NOW, LEASE);

        assertThat(claim).isInstanceOf(Claim.Claimed.class);
        RequestRecord claimed = ((Claim.Claimed) claim).request();
        assertThat(claimed.taskToken()).isEqualTo("token-claim");
        assertThat(claimed.status()).isEqualTo(Status.DECIDING);
        assertThat(claimed.claimedUntil()).isEqualTo(NOW.plus(LEASE));
        assertThat(claimed.decision()).isEqualTo(decision("a@example.com"));
    }

    @Test
    void anExpiredRequestCannotBeClaimed() {
        String id = store.createRequest(request("token-old", List.of("a@example.com"), NOW.plusSeconds(60))).request().requestId();

        Claim atExpiry = store.claim(id, "late", decision("a@example.com"), NOW.plusSeconds(60), LEASE);

        assertThat(atExpiry).isInstanceOf(Claim.Refused.class);
        assertThat(((Claim.Refused) atExpiry).current().status()).isEqualTo(Status.PENDING);
        assertThat(store.claim(id, "in-time", decision("a@example.com"), NOW.plusSeconds(59), LEASE)).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    void aMissingRequestIsRefusedWithNothing() {
        assertThat(store.claim("nope", "c", decision("a@example.com"), NOW, LEASE)).isEqualTo(new Claim.Refused(null));
        assertThat(rawItem("request#nope")).as("a refused claim creates nothing").isEmpty();
    }

    @Test
    void aFinishedDecisionForgetsTheTokenAndRefusesEveryLaterClaim() {
        String id = store.createRequest(request("token-done", List.of("a@example.com", "b@example.com"), NOW.plusSeconds(600))).request().requestId();
        store.claim(id, "claim-1", decision("a@example.com"), NOW, LEASE);

        assertThat(store.finish(id, "claim-1", true)).isTrue();

        RequestRecord done = store.request(id).orElseThrow();
        assertThat(done.status()).isEqualTo(Status.APPROVED);
        assertThat(done.taskToken()).isNull();
        assertThat(rawItem("request#" + id)).doesNotContainKeys("taskToken", "claimId", "claimedUntil");
        assertThat(done.decision().approver()).isEqualTo("a@example.com");
        assertThat(done.decision().linkFingerprint()).isEqualTo("0123456789ab");
        assertThat(done.decision().sourceIp()).isEqualTo("203.0.113.9");
        assertThat(store.claim(id, "claim-2", decision("b@example.com"), NOW.plus(LEASE).plusSeconds(1), LEASE))
                .isInstanceOf(Claim.Refused.class);
    }

    @Test
    void aReleasedClaimLeavesThePendingRequestAsItWas() {
        String id = store.createRequest(request("token-release", List.of("a@example.com"), NOW.plusSeconds(600))).request().requestId();
        store.claim(id, "claim-1", decision("a@example.com"), NOW, LEASE);

        assertThat(store.release(id, "claim-1")).isTrue();

        RequestRecord pending = store.request(id).orElseThrow();
        assertThat(pending.status()).isEqualTo(Status.PENDING);
        assertThat(pending.decision()).isNull();
        assertThat(pending.taskToken()).isEqualTo("token-release");
        assertThat(store.claim(id, "claim-2", decision("a@example.com"), NOW, LEASE)).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    void aLapsedClaimCanBeTakenOverAndItsHolderCanNoLongerEndIt() {
        String id = store.createRequest(request("token-lapse", List.of("a@example.com"), NOW.plusSeconds(3600))).request().requestId();
        store.claim(id, "stuck", decision("a@example.com"), NOW, LEASE);

        assertThat(store.claim(id, "early", decision("a@example.com"), NOW.plus(LEASE).minusSeconds(1), LEASE))
                .as("within the lease").isInstanceOf(Claim.Refused.class);
        assertThat(store.claim(id, "late", decision("a@example.com"), NOW.plus(LEASE).plusSeconds(1), LEASE))
                .as("after the lease").isInstanceOf(Claim.Claimed.class);
        assertThat(store.finish(id, "stuck", true)).isFalse();
        assertThat(store.finish(id, "late", false)).isTrue();
        assertThat(store.request(id).orElseThrow().status()).isEqualTo(Status.REJECTED);
    }

    @Test
    void aClosedRequestSaysWhyAndKeepsNoToken() {
        String id = store.createRequest(request("token-closed", List.of("a@example.com"), NOW.plusSeconds(600))).request().requestId();
        store.claim(id, "claim-1", decision("a@example.com"), NOW, LEASE);

        assertThat(store.close(id, "claim-1", "TaskTimedOut: Task Timed Out", NOW)).isTrue();

        RequestRecord closed = store.request(id).orElseThrow();
        assertThat(closed.status()).isEqualTo(Status.CLOSED);
        assertThat(closed.closedReason()).isEqualTo("TaskTimedOut: Task Timed Out");
        assertThat(closed.taskToken()).isNull();
        assertThat(closed.decision()).isNull();
    }
}
