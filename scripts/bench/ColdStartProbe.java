import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.core.logging.DiscardingLogger;
import io.sfncallback.core.logging.JsonLog;
import io.sfncallback.worker.CallbackHandler;
import io.sfncallback.worker.config.WorkerConfig;
import io.sfncallback.worker.snapstart.Priming;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs inside a fresh JVM whose classpath is one worker jar (plus this class), the way Lambda
 * loads a function. Prints one line of JSON with its measurements.
 *
 * <pre>
 *   cold  ENDPOINT HTTP_CLIENT [primed] build the handler (then run the SnapStart priming hook, as Lambda
 *                                       does before it takes the snapshot) and process one record;
 *                                       print initMs, firstInvokeMs
 *   batch ENDPOINT CONCURRENCY ROUNDS   process ROUNDS batches of 10 records; print each batch's ms
 * </pre>
 */
public final class ColdStartProbe {

    public static void main(String[] args) {
        String mode = args[0];
        String endpoint = args[1];
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_SFN", endpoint);
        env.put("AWS_LAMBDA_LOG_LEVEL", "WARN");
        if (mode.equals("cold")) {
            env.put("SFN_HTTP_CLIENT", args[2]);
            long t0 = System.nanoTime();
            CallbackHandler handler = new CallbackHandler(env);
            if (args.length > 3 && args[3].equals("primed")) {
                new Priming(WorkerConfig.fromEnvironment(env),
                        new JsonLog(DiscardingLogger.INSTANCE, LogLevel.FATAL, null, Clock.systemUTC())).beforeCheckpoint(null);
            }
            long t1 = System.nanoTime();
            SQSBatchResponse response = handler.handleRequest(event(1, 0), context());
            long t2 = System.nanoTime();
            check(response);
            System.out.printf("{\"initMs\":%.2f,\"firstInvokeMs\":%.2f}%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        } else {
            env.put("MAX_CONCURRENT_RECORDS", args[2]);
            int rounds = Integer.parseInt(args[3]);
            CallbackHandler handler = new CallbackHandler(env);
            for (int i = 0; i < 3; i++) {
                check(handler.handleRequest(event(10, -1 - i), context())); // warm-up, not reported
            }
            List<String> times = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                long t0 = System.nanoTime();
                check(handler.handleRequest(event(10, round), context()));
                times.add(String.format("%.2f", (System.nanoTime() - t0) / 1e6));
            }
            System.out.println("{\"batchMs\":[" + String.join(",", times) + "]}");
        }
        System.exit(0);
    }

    private static void check(SQSBatchResponse response) {
        if (!response.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException("a record failed: " + response.getBatchItemFailures());
        }
    }

    private static SQSEvent event(int records, int round) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId("m-" + round + "-" + i);
            message.setReceiptHandle("r-" + round + "-" + i);
            message.setBody("{\"TaskToken\":\"token-" + round + "-" + i + "\",\"ExecutionArn\":\"arn:aws:states:us-east-1:123456789012:execution:bench:e"
                    + i + "\",\"Input\":{\"orderId\":" + i + ",\"items\":[1,2,3]}}");
            message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
            messages.add(message);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }

    private static Context context() {
        long deadline = System.currentTimeMillis() + 120_000;
        LambdaLogger quiet = new LambdaLogger() {
            @Override
            public void log(String message) {
            }

            @Override
            public void log(byte[] message) {
            }
        };
        return new Context() {
            public String getAwsRequestId() { return "bench"; }
            public String getLogGroupName() { return "bench"; }
            public String getLogStreamName() { return "bench"; }
            public String getFunctionName() { return "bench"; }
            public String getFunctionVersion() { return "1"; }
            public String getInvokedFunctionArn() { return "bench"; }
            public CognitoIdentity getIdentity() { return null; }
            public ClientContext getClientContext() { return null; }
            public int getRemainingTimeInMillis() { return (int) (deadline - System.currentTimeMillis()); }
            public int getMemoryLimitInMB() { return 1024; }
            public LambdaLogger getLogger() { return quiet; }
        };
    }
}
