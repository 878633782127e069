package io.sfncallback.local.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a fixed port the stack would listen on that something else already holds, before anything starts, so that
 * the user gets one line naming the port and the flag instead of a half-started stack and a stack trace.
 */
public final class PortCheck {

    private PortCheck() {
    }

    /** One port the stack listens on: what it serves and the flag that sets it. */
    record Listener(String what, int port, String flag) {
    }

    /** The message for the first fixed port that cannot be bound, or empty when every one is free. */
    public static Optional<String> firstBusy(LocalStackConfig config) {
        for (Listener listener : listeners(config)) {
            if (listener.port() != 0 && !free(config.host(), listener.port())) {
                return Optional.of("port " + listener.port() + " on " + config.host() + " (" + listener.what()
                        + ") is already in use, perhaps by another scripts/local-run.sh still running"
                        + " (`ss -ltnp 'sport = :" + listener.port() + "'` shows which process holds it);"
                        + " stop it, or choose another port with " + listener.flag() + " N (0 = a free port)");
            }
        }
        return Optional.empty();
    }

    static List<Listener> listeners(LocalStackConfig config) {
        List<Listener> listeners = new ArrayList<>();
        listeners.add(new Listener("the Step Functions endpoint", config.sfnPort(), "--sfn-port"));
        listeners.add(new Listener("the SQS endpoint", config.sqsPort(), "--sqs-port"));
        if (config.approvalEnabled()) {
            listeners.add(new Listener("the approval page and outbox", config.approvalPort(), "--approval-port"));
        }
        return listeners;
    }

    private static boolean free(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
