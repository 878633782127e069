package io.sfncallback.local.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Reads a deployed function's configuration and its SQS mapping from an emulator: moto through
 * scripts/rehearse/moto_launcher.py, skipped (with the reason) where moto is not installed.
 */
class DeployedStackTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/host-test";
    private static Process launcher;
    private static String endpoint;
    private static LambdaClient lambda;
    private static SqsClient sqs;

    @BeforeAll
    static void startMoto() throws Exception {
        Path script = Path.of(System.getProperty("repo.root", "..")).resolve("scripts/rehearse/moto_launcher.py")
                .toAbsolutePath();
        assumeTrue(script.toFile().isFile(), "no " + script);
        Process probe = new ProcessBuilder("python3", "-c", "import moto.moto_server.werkzeug_app")
                .redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "moto is not installed: python3 -m pip install 'moto[server]==5.2.1'");
        Path log = Files.createTempFile("moto-launcher", ".log");
        ProcessBuilder builder = new ProcessBuilder("python3", script.toString(), "--port", "0")
                .redirectError(log.toFile());
        // The build names a profile that exists nowhere, so that nothing reaches an account; botocore (in moto)
        // refuses to start with it.
        builder.environment().remove("AWS_PROFILE");
        builder.environment().put("AWS_ACCESS_KEY_ID", "test");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        launcher = builder.start();
        String line = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertTrue(line != null && line.startsWith("ready "), "the launcher said " + line + "; its log: "
                + Files.readString(log));
        endpoint = line.substring("ready ".length());
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        lambda = LambdaClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        createRole();
    }

    @AfterAll
    static void stopMoto() throws InterruptedException {
        if (lambda != null) {
            lambda.close();
            sqs.close();
        }
        if (launcher != null) {
            launcher.destroy();
            launcher.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void readsTheFunctionAtItsLiveAliasAndItsSqsMappingAsDeployed() throws IOException {
        String name = "host-test-worker";
        byte[] zip = standInZip();
        lambda.createFunction(request -> request.functionName(name).runtime(Runtime.JAVA21).role(ROLE)
                .handler("io.sfncallback.worker.CallbackHandler::handleRequest").timeout(45).memorySize(1536)
                .environment(environment -> environment.variables(Map.of("MAX_RECEIVE_COUNT", "4",
                        "TASKS_QUEUE_URL", "https://example")))
                .code(code -> code.zipFile(SdkBytes.fromByteArray(zip))).publish(true));
        String alias = lambda.createAlias(request -> request.functionName(name).name("live").functionVersion("1"))
                .aliasArn();
        String queueUrl = sqs.createQueue(request -> request.queueName("host-test-tasks")).queueUrl();
        String queueArn = sqs.getQueueAttributes(request -> request.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        lambda.createEventSourceMapping(request -> request.eventSourceArn(queueArn).functionName(alias).batchSize(7)
                .maximumBatchingWindowInSeconds(2).scalingConfig(scaling -> scaling.maximumConcurrency(3)));

        DeployedStack deployed = new DeployedStack(lambda, sqs);
        DeployedStack.Function function = deployed.function(name).orElseThrow();
        assertEquals("io.sfncallback.worker.CallbackHandler", function.handlerClass());
        assertEquals(Map.of("MAX_RECEIVE_COUNT", "4", "TASKS_QUEUE_URL", "https://example"), function.environment());
        assertEquals(45, function.timeoutSeconds());
        assertEquals(1536, function.memorySizeMb());
        assertTrue(function.arn().contains(":function:" + name), function.arn());

        DeployedStack.Mapping mapping = deployed.sqsMapping(name).orElseThrow();
        assertEquals(queueArn, mapping.queueArn());
        assertEquals(queueUrl, mapping.queueUrl());
        assertEquals(7, mapping.batchSize());
        assertEquals(2, mapping.batchingWindowSeconds());
        assertEquals(3, mapping.maxConcurrency());
    }

    @Test
    void aFunctionThatIsNotDeployedIsEmptyAndHasNoMapping() {
        DeployedStack deployed = new DeployedStack(lambda, sqs);
        assertEquals(Optional.empty(), deployed.function("host-test-absent"));
        assertEquals(Optional.empty(), deployed.sqsMapping("host-test-absent"));
    }

    @Test
    void theHostedEnvironmentIsTheDeployedOnePlusWhatLambdaSetsAndTheEndpoint() {
        DeployedStack.Function function = new DeployedStack.Function("p-worker",
                "arn:aws:lambda:eu-west-1:111122223333:function:p-worker:live", "a.Handler",
                Map.of("MAX_RECEIVE_COUNT", "4"), 45, 512);
        HostedFunctions.Settings settings = new HostedFunctions.Settings(Optional.of("http://127.0.0.1:1"),
                "eu-west-1", "p", Path.of("w.jar"), Path.of("a.jar"), "127.0.0.1", 0, 0, 1);
        var hosted = HostedFunctions.settings(function, Path.of("w.jar"), settings);
        assertEquals("4", hosted.environment().get("MAX_RECEIVE_COUNT"));
        assertEquals("http://127.0.0.1:1", hosted.environment().get("AWS_ENDPOINT_URL"));
        assertEquals("eu-west-1", hosted.environment().get("AWS_REGION"));
        assertEquals("p-worker", hosted.environment().get("AWS_LAMBDA_FUNCTION_NAME"));
        assertEquals("111122223333", hosted.accountId());
        assertEquals(45, hosted.timeoutSeconds());
    }

    /** moto checks that a function's role exists; IAM's query API with moto's unchecked signature. */
    private static void createRole() throws Exception {
        String form = "Action=CreateRole&Version=2010-05-08&RoleName=host-test&AssumeRolePolicyDocument="
                + URLEncoder.encode("{\"Version\":\"2012-10-17\",\"Statement\":[]}", StandardCharsets.UTF_8);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, "
                        + "SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static byte[] standInZip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("stand-in.txt"));
            zip.write("moto stores the code; it never runs it".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
