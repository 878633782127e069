package io.sfncallback.local.host;

import com.google.gson.JsonObject;
import io.sfncallback.local.esm.LogSink;
import io.sfncallback.local.json.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code local-run.sh --host-functions}: hosts a deployed stack's functions on this machine ({@link HostedFunctions})
 * until Ctrl-C. Credentials come from the SDK's default chain (the environment, a profile), as the AWS CLI's do.
 */
public final class HostMain {

    public static final String USAGE = """
            Usage: local-run.sh --host-functions [--endpoint-url URL] [--name-prefix P] [--region R]
                                [--worker-jar J] [--approval-jar J] [--ready-file F]
                                [--approval-port N] [--invoke-port N] [--poll-wait-seconds N]
              Runs the functions of a deployed stack here: reads each one's configuration at its live alias
              (GetFunctionConfiguration), the worker's SQS event source mapping (ListEventSourceMappings) and queue
              (GetQueueUrl), then polls that queue with the worker jar and, when approval is deployed, serves the
              approval page (/approvals/{link}) and a Lambda Invoke endpoint for the approval-request function.
              Nothing else is started. On a real account, disable the deployed mapping first or use a separate
              stack (local/README.md, "Host mode").
              --endpoint-url URL      every AWS API call goes there (an emulator); default: AWS itself
              --name-prefix P         Terraform's name_prefix (default sfn-callback)
              --region R              default: AWS_REGION, else us-east-1
              --worker-jar J          default lambda/worker/target/callback-worker.jar
              --approval-jar J        default lambda/approval/target/callback-approval.jar
              --ready-file F          write {queueUrl, approvalEndpoint, invokeEndpoint, ...} as JSON once ready
              --approval-port N       approval endpoint port (default 0: a free one)
              --invoke-port N         Lambda Invoke endpoint port (default 0: a free one)
              --poll-wait-seconds N   the local mapping's long-poll wait (default 5)
            """;

    private HostMain() {
    }

    public static void main(List<String> args, Path repoRoot) throws Exception {
        Optional<String> endpoint = Optional.empty();
        String prefix = "sfn-callback";
        String region = Optional.ofNullable(System.getenv("AWS_REGION")).orElse("us-east-1");
        Path workerJar = repoRoot.resolve("lambda/worker/target/callback-worker.jar");
        Path approvalJar = repoRoot.resolve("lambda/approval/target/callback-approval.jar");
        Path readyFile = null;
        int approvalPort = 0;
        int invokePort = 0;
        int pollWait = 5;
        try {
            for (int i = 0; i < args.size(); i++) {
                String flag = args.get(i);
                if (flag.equals("-h") || flag.equals("--help")) {
                    System.out.print(USAGE);
                    return;
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("unknown option or missing value: " + flag);
                }
                String value = args.get(++i);
                switch (flag) {
                    case "--endpoint-url" -> endpoint = Optional.of(value);
                    case "--name-prefix" -> prefix = value;
                    case "--region" -> region = value;
                    case "--worker-jar" -> workerJar = Path.of(value);
                    case "--approval-jar" -> approvalJar = Path.of(value);
                    case "--ready-file" -> readyFile = Path.of(value);
                    case "--approval-port" -> approvalPort = Integer.parseInt(value);
                    case "--invoke-port" -> invokePort = Integer.parseInt(value);
                    case "--poll-wait-seconds" -> pollWait = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option: " + flag);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("local-run: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        HostedFunctions.Settings settings = new HostedFunctions.Settings(endpoint, region, prefix,
                workerJar.toAbsolutePath(), approvalJar.toAbsolutePath(), "127.0.0.1", approvalPort, invokePort,
                pollWait);
        progress("reading the deployed configuration of " + prefix + "-* in " + region + " from "
                + endpoint.orElse("AWS"));
        LambdaClient lambda = lambdaClient(endpoint, region);
        SqsClient sqs = sqsClient(endpoint, region);
        HostedFunctions hosted;
        try {
            hosted = HostedFunctions.start(settings, new DeployedStack(lambda, sqs), sqs, LogSink.stdout(),
                    HostMain::progress);
        } catch (Exception e) {
            System.err.println("local-run: could not host the functions: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            progress("stopping");
            hosted.close();
            sqs.close();
            lambda.close();
            stopped.countDown();
        }, "host-shutdown"));
        if (readyFile != null) {
            writeReadyFile(readyFile, hosted, region);
        }
        progress("ready; press Ctrl-C to stop");
        stopped.await();
    }

    private static LambdaClient lambdaClient(Optional<String> endpoint, String region) {
        var builder = LambdaClient.builder().region(Region.of(region)).httpClientBuilder(UrlConnectionHttpClient.builder());
        endpoint.ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder.build();
    }

    private static SqsClient sqsClient(Optional<String> endpoint, String region) {
        var builder = SqsClient.builder().region(Region.of(region)).httpClientBuilder(UrlConnectionHttpClient.builder());
        endpoint.ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder.build();
    }

    private static void writeReadyFile(Path file, HostedFunctions hosted, String region) throws java.io.IOException {
        JsonObject ready = new JsonObject();
        ready.addProperty("region", region);
        ready.addProperty("queueUrl", hosted.mapping().queueUrl());
        ready.addProperty("mappingUuid", hosted.mapping().uuid());
        hosted.approvalEndpoint().ifPresent(url -> ready.addProperty("approvalEndpoint", url));
        hosted.invokeEndpoint().ifPresent(url -> ready.addProperty("invokeEndpoint", url));
        Path absolute = file.toAbsolutePath();
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        Files.writeString(temporary, Json.write(ready) + "\n");
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        progress("wrote " + absolute);
    }

    static void progress(String message) {
        System.out.println("[host] " + message);
    }
}
