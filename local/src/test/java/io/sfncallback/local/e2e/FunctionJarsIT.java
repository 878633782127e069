package io.sfncallback.local.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sfncallback.local.support.FunctionJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Each function ships only what it loads: the worker's jar has no approval code and none of the DynamoDB and SNS
 * clients only the approval functions use; the approval functions' jar has no worker code and no SQS client; no
 * jar carries the test kit. (Sizes are compared against a baseline in scripts/bench-worker.sh.)
 */
class FunctionJarsIT {

    /** Issue 14's goal for the worker's deployment package. */
    private static final long WORKER_JAR_MAX_BYTES = (long) (5.75 * 1024 * 1024);

    private static List<String> entries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).toList();
        }
    }

    private static List<String> under(List<String> entries, String prefix) {
        return entries.stream().filter(name -> name.startsWith(prefix)).limit(3).toList();
    }

    @Test
    void theWorkerJarHoldsTheWorkerAndTheCoreAndNothingOfApproval() throws IOException {
        Path jar = FunctionJars.worker();
        List<String> entries = entries(jar);

        assertTrue(entries.contains("io/sfncallback/worker/CallbackHandler.class"));
        assertTrue(entries.contains("io/sfncallback/core/callback/TaskCallbacks.class"));
        assertEquals(List.of(), under(entries, "io/sfncallback/approval/"));
        assertEquals(List.of(), under(entries, "software/amazon/awssdk/services/dynamodb/"));
        assertEquals(List.of(), under(entries, "software/amazon/awssdk/services/sns/"));
        assertEquals(List.of(), under(entries, "io/sfncallback/testkit/"));
        assertTrue(Files.size(jar) <= WORKER_JAR_MAX_BYTES, jar + " is " + Files.size(jar) + " bytes, over "
                + WORKER_JAR_MAX_BYTES);
    }

    @Test
    void theApprovalJarHoldsBothApprovalHandlersAndNothingOfTheWorker() throws IOException {
        List<String> entries = entries(FunctionJars.approval());

        assertTrue(entries.contains("io/sfncallback/approval/ApprovalRequestHandler.class"));
        assertTrue(entries.contains("io/sfncallback/approval/ApprovalPageHandler.class"));
        assertTrue(entries.contains("io/sfncallback/core/callback/TaskCallbacks.class"));
        assertEquals(List.of(), under(entries, "io/sfncallback/worker/"));
        assertEquals(List.of(), under(entries, "software/amazon/awssdk/services/sqs/"));
        assertEquals(List.of(), under(entries, "io/sfncallback/testkit/"));
    }

    @Test
    void theExampleJarIsTheWorkerWithTheUsersProcessor() throws IOException {
        List<String> entries = entries(FunctionJars.exampleProcessor());

        assertTrue(entries.contains("com/example/orders/OrderProcessor.class"));
        assertTrue(entries.contains("io/sfncallback/worker/CallbackHandler.class"));
        assertEquals(List.of(), under(entries, "io/sfncallback/approval/"));
        assertEquals(List.of(), under(entries, "io/sfncallback/testkit/"));
    }
}
