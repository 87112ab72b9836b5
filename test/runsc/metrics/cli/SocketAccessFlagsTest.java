// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad values of the socket access flags of {@code metric-server} stop it before it binds, with a
 * message naming the flag and the value.
 */
class SocketAccessFlagsTest {
    @TempDir
    Path root;

    private CliTest.Result serveOn(String address, String... flags) {
        String[] args = new String[3 + flags.length];
        args[0] = "--root=" + root;
        args[1] = "--metric-server=" + address;
        args[2] = "metric-server";
        System.arraycopy(flags, 0, args, 3, flags.length);
        return CliTest.run(args);
    }

    private CliTest.Result serve(String... flags) {
        return serveOn(root.resolve("m.sock").toString(), flags);
    }

    @Test
    void aModeThatIsNotOctalIsAUsageError() {
        for (String bad : new String[] {"999", "0x1ff", "", "-1", "01777", "rw-rw----"}) {
            CliTest.Result r = serve("--socket-mode=" + bad);
            assertEquals(128, r.status(), bad);
            assertTrue(r.err().startsWith("invalid value \"" + bad + "\" for flag -socket-mode: \"" + bad
                    + "\" is not an octal file mode from 0000 to 0777"), r.err());
            assertTrue(r.err().contains("\nmetric-server ["), "the usage follows: " + r.err());
        }
    }

    @Test
    void anUnknownUserIsAStartUpError() {
        CliTest.Result r = serve("--socket-allow-users=root,no-such-user-h10");
        assertEquals(128, r.status());
        assertEquals("invalid value \"root,no-such-user-h10\" for flag -socket-allow-users: \"no-such-user-h10\" "
                + "is neither a known user nor a number\n", r.err());
    }

    @Test
    void anUnknownGroupIsAStartUpError() {
        CliTest.Result r = serve("--socket-allow-groups=no-such-group-h10");
        assertEquals(128, r.status());
        assertEquals("invalid value \"no-such-group-h10\" for flag -socket-allow-groups: \"no-such-group-h10\" "
                + "is neither a known group nor a number\n", r.err());
        r = serve("--socket-group=no-such-group-h10");
        assertEquals(128, r.status());
        assertEquals("invalid value \"no-such-group-h10\" for flag -socket-group: \"no-such-group-h10\" "
                + "is neither a known group nor a number\n", r.err());
    }

    @Test
    void anEmptyOrSignedEntryIsRefused() {
        CliTest.Result r = serve("--socket-allow-users=root,,daemon");
        assertEquals(128, r.status());
        assertEquals("invalid value \"root,,daemon\" for flag -socket-allow-users: \"root,,daemon\" has an empty entry\n",
                r.err());
        r = serve("--socket-allow-groups=-1");
        assertEquals(128, r.status());
        assertEquals("invalid value \"-1\" for flag -socket-allow-groups: \"-1\" is not a group name or a number\n",
                r.err());
    }

    @Test
    void socketFlagsWithATcpAddressAreRefused() {
        CliTest.Result r = serveOn("127.0.0.1:0", "--socket-mode=0660");
        assertEquals(128, r.status());
        assertEquals("cannot listen on TCP address \"127.0.0.1:0\": the socket mode, group and allow-list flags apply "
                + "to a Unix socket address only\n", r.err());
    }
}
