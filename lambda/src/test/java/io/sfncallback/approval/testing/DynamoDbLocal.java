package io.sfncallback.approval.testing;

import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * DynamoDB Local (the AWS-published emulator, {@code com.amazonaws:DynamoDBLocal}) in this JVM,
 * in memory, listening on 127.0.0.1 on a free port; {@link #close()} stops it.
 *
 * <p>The server is put together as DynamoDB Local's command-line entry point does for
 * {@code -inMemory}, minus its telemetry (whose Cognito/Pinpoint clients are left out of the test
 * classpath); before it starts, its Jetty connector is moved to 127.0.0.1 and port 0 (the command
 * line has no host option), so the test never listens on other interfaces nor races for a port.
 */
public final class DynamoDbLocal implements AutoCloseable {

    /** Where the build copies sqlite4java's native libraries (pom: copy-sqlite4java-native). */
    static final Path NATIVE_LIBRARIES = Path.of("target", "sqlite4java-native");

    private final DynamoDBProxyServer server;
    private final int port;

    private DynamoDbLocal(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static DynamoDbLocal start() throws Exception {
        if (!Files.isDirectory(NATIVE_LIBRARIES)) {
            throw new IllegalStateException(NATIVE_LIBRARIES.toAbsolutePath() + " is missing: run the tests through Maven "
                    + "(process-test-resources copies sqlite4java's native libraries there)");
        }
        System.setProperty("sqlite4java.library.path", NATIVE_LIBRARIES.toAbsolutePath().toString());
        // (port, inMemory, dbPath, sharedDb, delayTransientStatuses); one database whatever the
        // credentials and region of a client (as with -sharedDb); CORS off.
        DynamoDBProxyServer server = new DynamoDBProxyServer(0,
                new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, true, null, true, false), null));
        ServerConnector connector = (ServerConnector) jetty(server).getConnectors()[0];
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.start();
        return new DynamoDbLocal(server, connector.getLocalPort());
    }

    private static Server jetty(DynamoDBProxyServer server) throws ReflectiveOperationException {
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        return (Server) field.get(server);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client of this server with dummy credentials. */
    public DynamoDbClient client() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Creates a table shaped as Terraform creates the approvals table: string partition key {@code pk}. */
    public void createApprovalsTable(String name) {
        try (DynamoDbClient db = client()) {
            db.createTable(r -> r.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
            db.updateTimeToLive(r -> r.tableName(name).timeToLiveSpecification(t -> t.attributeName("ttl").enabled(true)));
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
