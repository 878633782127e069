package io.sfncallback.local.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which Host headers a local server answers (issue 18: DNS rebinding). */
class LocalHttpHostsTest {

    @Test
    void theLoopbackNamesAndTheBindHostAreAllowed() {
        assertEquals(Set.of("localhost", "127.0.0.1", "[::1]"), LocalHttp.allowedHosts("127.0.0.1"));
        assertEquals(Set.of("localhost", "127.0.0.1", "[::1]", "devbox.internal"), LocalHttp.allowedHosts("DevBox.internal"));
        assertEquals(Set.of("localhost", "127.0.0.1", "[::1]", "[fd00::5]"), LocalHttp.allowedHosts("fd00::5"));
    }

    @Test
    void theHostNameIsTheHeaderWithoutItsPort() {
        assertEquals("127.0.0.1", LocalHttp.hostName("127.0.0.1:8085"));
        assertEquals("localhost", LocalHttp.hostName("LocalHost"));
        assertEquals("[::1]", LocalHttp.hostName("[::1]:8085"));
        assertEquals("rebind.attacker.example", LocalHttp.hostName(" rebind.attacker.example:80 "));
    }

    @Test
    void namesThatOnlyLookLocalAreNotAllowed() {
        Set<String> allowed = LocalHttp.allowedHosts("127.0.0.1");
        for (String host : new String[] {"127.0.0.1.nip.io", "localhost.attacker.example", "127.0.0.2", "[::2]", "0.0.0.0",
                "localhost."}) {
            assertFalse(allowed.contains(LocalHttp.hostName(host)), host);
        }
        assertTrue(allowed.contains(LocalHttp.hostName("localhost:1")));
    }
}
