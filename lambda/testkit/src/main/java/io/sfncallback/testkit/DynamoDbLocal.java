package io.sfncallback.testkit;

import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
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
 * DynamoDB Local (the AWS-published emulator, {@code com.amazonaws:DynamoDBLocal}) in this JVM, in memory, on a
 * loopback host and a free port; {@link #close()} stops it. The approval tests and the local stack's approval loop
 * both run it.
 *
 * <p>The server is put together as DynamoDB Local's command line does for {@code -inMemory -sharedDb}, minus its
 * telemetry; before it starts, its Jetty connector is moved to the given host and port 0, because the command line
 * has no host option and would listen on every interface.
 *
 * <p>SQLite runs through sqlite4java, whose native library must be a file in a directory: the system property
 * {@code sqlite4java.library.path} names it, else {@code target/sqlite4java-native} (where the build copies it).
 */
public final class DynamoDbLocal implements AutoCloseable {

    /** The system property that tells sqlite4java where its native libraries are. */
    public static final String NATIVE_PROPERTY = "sqlite4java.library.path";
    private static final String LOCAL_CREDENTIAL = "local";

    private final DynamoDBProxyServer server;
    private final URI endpoint;
    private final String region;

    private DynamoDbLocal(DynamoDBProxyServer server, URI endpoint, String region) {
        this.server = server;
        this.endpoint = endpoint;
        this.region = region;
    }

    /** On 127.0.0.1, for clients in us-east-1. */
    public static DynamoDbLocal start() throws Exception {
        return start("127.0.0.1", "us-east-1");
    }

    public static DynamoDbLocal start(String host, String region) throws Exception {
        useNativeLibraries();
        // (port, inMemory, dbPath, sharedDb, delayTransientStatuses): one database whatever a client's credentials
        // and region; tables ACTIVE at once.
        DynamoDBProxyServer server = new DynamoDBProxyServer(0,
                new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, true, null, true, false), null));
        ServerConnector connector = (ServerConnector) jetty(server).getConnectors()[0];
        connector.setHost(host);
        connector.setPort(0);
        server.start();
        return new DynamoDbLocal(server, URI.create("http://" + host + ":" + connector.getLocalPort()), region);
    }

    /** Points sqlite4java at its native libraries, or says how to get them. */
    private static void useNativeLibraries() throws IOException {
        String configured = System.getProperty(NATIVE_PROPERTY);
        Path directory = configured != null ? Path.of(configured) : Path.of("target", "sqlite4java-native");
        boolean present = false;
        if (Files.isDirectory(directory)) {
            try (Stream<Path> files = Files.list(directory)) {
                present = files.anyMatch(file -> file.getFileName().toString().contains("sqlite4java"));
            }
        }
        if (!present) {
            throw new IOException("DynamoDB Local needs sqlite4java's native library in " + directory.toAbsolutePath()
                    + ": build with ./mvnw -q package -DskipTests (each module that runs DynamoDB Local gets a copy in"
                    + " its target/sqlite4java-native), or set -D" + NATIVE_PROPERTY + "=<directory>");
        }
        System.setProperty(NATIVE_PROPERTY, directory.toAbsolutePath().toString());
    }

    private static Server jetty(DynamoDBProxyServer server) throws ReflectiveOperationException {
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        return (Server) field.get(server);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A client of this server with dummy credentials. */
    public DynamoDbClient client() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCAL_CREDENTIAL, LOCAL_CREDENTIAL)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /**
     * Creates the approvals table as Terraform creates it: partition key {@code pk} (string), no sort key,
     * on-demand, TTL on {@code ttl}. (Whether and when an emulator deletes expired items does not matter: the
     * handlers decide expiry from {@code expiresAt}, never from TTL, as DynamoDB deletes expired items only
     * eventually.)
     */
    public void createApprovalsTable(String name) {
        try (DynamoDbClient db = client()) {
            db.createTable(r -> r.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
            db.updateTimeToLive(r -> r.tableName(name)
                    .timeToLiveSpecification(t -> t.attributeName("ttl").enabled(true)));
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
