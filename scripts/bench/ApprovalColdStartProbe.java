import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import io.sfncallback.approval.ApprovalPageHandler;
import io.sfncallback.approval.ApprovalRequestHandler;
import io.sfncallback.approval.config.ApprovalConfig;
import io.sfncallback.approval.snapstart.PagePriming;
import io.sfncallback.approval.snapstart.RequestPriming;
import io.sfncallback.core.logging.DiscardingLogger;
import io.sfncallback.core.logging.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs inside a fresh JVM whose classpath is the approval jar (plus this class), the way Lambda
 * loads either approval function. Prints one line of JSON with its measurements.
 *
 * <pre>
 *   request ENDPOINT [primed]   build the approval task's handler (then run its SnapStart priming hook, as
 *                               Lambda does before it takes the snapshot) and make one approval request:
 *                               DynamoDB PutItem twice, SNS Publish, DynamoDB UpdateItem
 *   page ENDPOINT LINK [primed] build the approval page's handler (then run its priming hook) and answer one
 *                               GET of the page: DynamoDB GetItem twice, the form rendered
 * </pre>
 *
 * Both print initMs and firstInvokeMs. ENDPOINT answers as DynamoDB, SNS and Step Functions do
 * (WorkerBenchmark.Endpoint).
 */
public final class ApprovalColdStartProbe {

    public static void main(String[] args) throws Exception {
        String function = args[0];
        String endpoint = args[1];
        boolean primed = args[args.length - 1].equals("primed");
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL", endpoint);
        env.put("AWS_LAMBDA_LOG_LEVEL", "WARN");
        env.put("APPROVALS_TABLE", "approvals");
        env.put("APPROVAL_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:approvals");
        env.put("APPROVER_EMAILS", "[\"approver@example.com\"]");
        env.put("APPROVAL_BASE_URL", "https://approvals.example.com");
        JsonLog discard = new JsonLog(DiscardingLogger.INSTANCE, LogLevel.FATAL, null, Clock.systemUTC());

        long t0 = System.nanoTime();
        String answer;
        long t1;
        if (function.equals("request")) {
            ApprovalRequestHandler handler = new ApprovalRequestHandler(env);
            if (primed) {
                new RequestPriming(ApprovalConfig.fromEnvironment(env), discard).beforeCheckpoint(null);
            }
            t1 = System.nanoTime();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(("{\"TaskToken\":\"bench-token\",\"ExecutionArn\":"
                    + "\"arn:aws:states:us-east-1:123456789012:execution:bench:e1\",\"Request\":{\"summary\":\"Refund order 42\"}}")
                    .getBytes(StandardCharsets.UTF_8)), output, context());
            answer = output.toString(StandardCharsets.UTF_8);
            check(answer.contains("\"SENT\""), answer);
        } else {
            ApprovalPageHandler handler = new ApprovalPageHandler(env);
            if (primed) {
                new PagePriming(ApprovalConfig.fromEnvironment(env), discard).beforeCheckpoint(null);
            }
            t1 = System.nanoTime();
            APIGatewayV2HTTPResponse response = handler.handleRequest(get(args[2]), context());
            check(response.getStatusCode() == 200, response.getStatusCode() + " " + response.getBody());
        }
        long t2 = System.nanoTime();
        System.out.printf("{\"initMs\":%.2f,\"firstInvokeMs\":%.2f}%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        System.exit(0);
    }

    private static void check(boolean ok, String answer) {
        if (!ok) {
            throw new IllegalStateException("unexpected answer: " + answer);
        }
    }

    private static APIGatewayV2HTTPEvent get(String link) {
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod("GET");
        http.setPath("/approvals/" + link);
        http.setSourceIp("192.0.2.1");
        http.setUserAgent("bench");
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setHttp(http);
        context.setDomainName("approvals.example.com");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRequestContext(context);
        event.setRawPath("/approvals/" + link);
        event.setPathParameters(Map.of("link", link));
        event.setHeaders(Map.of("user-agent", "bench"));
        return event;
    }

    private static Context context() {
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
            public int getRemainingTimeInMillis() { return 60_000; }
            public int getMemoryLimitInMB() { return 1024; }
            public LambdaLogger getLogger() { return quiet; }
        };
    }
}
