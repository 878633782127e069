package io.sfncallback.local.approval;

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
 * DynamoDB Local (the AWS-published emulator, {@code com.amazonaws:DynamoDBLocal}) in the stack's JVM, in memory,
 * on {@code host} and a free port. It is put together as its command line does for {@code -inMemory -sharedDb}, without
 * its telemetry; its Jetty connector is moved to {@code host} before it starts, because the command line has no host
 * option and would listen on every interface.
 *
 * <p>SQLite runs through sqlite4java, whose native library must be a file in a directory:
 * {@code sqlite4java.library.path} names it (the build copies it to {@code local/target/sqlite4java-native}).
 */
final class LocalDynamoDb implements AutoCloseable {

    static final String NATIVE_PROPERTY = "sqlite4java.library.path";

    private final DynamoDBProxyServer server;
    private final URI endpoint;
    private final String region;

    private LocalDynamoDb(DynamoDBProxyServer server, URI endpoint, String region) {
        this.server = server;
        this.endpoint = endpoint;
        this.region = region;
    }

    static LocalDynamoDb start(String host, String region) throws Exception {
        useNativeLibraries();
        // (port, inMemory, dbPath, sharedDb, delayTransientStatuses): one database whatever a client's credentials
        // and region; tables ACTIVE at once.
        DynamoDBProxyServer server = new DynamoDBProxyServer(0,
                new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, true, null, true, false), null));
        ServerConnector connector = (ServerConnector) jetty(server).getConnectors()[0];
        connector.setHost(host);
        connector.setPort(0);
        server.start();
        return new LocalDynamoDb(server, URI.create("http://" + host + ":" + connector.getLocalPort()), region);
    }

    /** Points sqlite4java at its native libraries, or says how to get them. */
    private static void useNativeLibraries() throws IOException {
        String configured = System.getProperty(NATIVE_PROPERTY);
        Path directory = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("repo.root", ".")).resolve("local/target/sqlite4java-native");
        boolean present = false;
        if (Files.isDirectory(directory)) {
            try (Stream<Path> files = Files.list(directory)) {
                present = files.anyMatch(file -> file.getFileName().toString().contains("sqlite4java"));
            }
        }
        if (!present) {
            throw new IOException("DynamoDB Local needs sqlite4java's native library in " + directory.toAbsolutePath()
                    + ": build the local stack with lambda/mvnw -q -f local/pom.xml package -DskipTests (it copies"
                    + " them to local/target/sqlite4java-native), or set -D" + NATIVE_PROPERTY + "=<directory>");
        }
        System.setProperty(NATIVE_PROPERTY, directory.toAbsolutePath().toString());
    }

    private static Server jetty(DynamoDBProxyServer server) throws ReflectiveOperationException {
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        return (Server) field.get(server);
    }

    URI endpoint() {
        return endpoint;
    }

    /** A client of this server with the local credentials. */
    DynamoDbClient client() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /**
     * Creates the approvals table as docs/approval.md specifies it for Terraform: partition key {@code pk} (string),
     * no sort key, on-demand, TTL on {@code ttl}. (Whether and when an emulator deletes expired items does not
     * matter: the handlers decide expiry from {@code expiresAt}, never from TTL, as DynamoDB deletes expired items
     * only eventually.)
     */
    void createApprovalsTable(String name) {
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
