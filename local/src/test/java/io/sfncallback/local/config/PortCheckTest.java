package io.sfncallback.local.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A port something else holds is named, with its flag, before the stack starts anything. */
class PortCheckTest {

    private final TerraformDefaults defaults = TerraformDefaults.load();

    private LocalStackConfig.Builder config() {
        LocalStackConfig.Builder config = LocalStackConfig.builder(defaults, Path.of("/repo"));
        config.sfnPort = 0;
        config.sqsPort = 0;
        config.approvalPort = 0;
        return config;
    }

    @Test
    void aTakenPortIsNamedWithTheFlagThatMovesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            LocalStackConfig.Builder config = config();
            config.sqsPort = taken.getLocalPort();

            Optional<String> message = PortCheck.firstBusy(config.build());

            assertTrue(message.isPresent());
            assertTrue(message.get().startsWith("port " + taken.getLocalPort() + " on 127.0.0.1 (the SQS endpoint)"
                    + " is already in use"), message.get());
            assertTrue(message.get().contains("--sqs-port N (0 = a free port)"), message.get());
        }
    }

    @Test
    void freePortsAndPortZeroPass() throws Exception {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            free = probe.getLocalPort();
        }
        LocalStackConfig.Builder config = config();
        config.sfnPort = free;

        assertEquals(Optional.empty(), PortCheck.firstBusy(config.build()));
    }

    @Test
    void theApprovalPortCountsOnlyWithApprovalOn() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            LocalStackConfig.Builder config = config();
            config.approvalPort = taken.getLocalPort();

            assertEquals(Optional.empty(), PortCheck.firstBusy(config.build()));
            config.approvalEnabled = true;
            assertTrue(PortCheck.firstBusy(config.build()).orElseThrow().contains("--approval-port"));
        }
    }
}
