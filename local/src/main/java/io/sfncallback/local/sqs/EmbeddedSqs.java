package io.sfncallback.local.sqs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** An ElasticMQ server in this JVM, speaking the SQS API on {@code host:port} (0 = a free port). */
public final class EmbeddedSqs implements AutoCloseable {

    private final SQSRestServer server;
    private final String endpoint;

    private EmbeddedSqs(SQSRestServer server, String endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    public static EmbeddedSqs start(String host, int port, String region, String accountId) throws IOException {
        int actualPort = port == 0 ? freePort(host) : port;
        SQSRestServer server = SQSRestServerBuilder
                .withInterface(host)
                .withPort(actualPort)
                .withServerAddress(new NodeAddress("http", host, actualPort, ""))
                .withAWSRegion(region)
                .withAWSAccountId(accountId)
                .start();
        server.waitUntilStarted();
        return new EmbeddedSqs(server, "http://" + host + ":" + actualPort);
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        }
    }

    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
