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

    private CliTest.Result serve(String... flags) {
        return CliTest.serve(root, root.resolve("m.sock").toString(), flags);
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
        CliTest.assertFailsWith("invalid value \"root,no-such-user-h10\" for flag -socket-allow-users: \"no-such-user-h10\" "
                + "is neither a known user nor a number\n",
                serve("--socket-allow-users=root,no-such-user-h10"));
    }

    @Test
    void anUnknownGroupIsAStartUpError() {
        CliTest.assertFailsWith("invalid value \"no-such-group-h10\" for flag -socket-allow-groups: \"no-such-group-h10\" "
                + "is neither a known group nor a number\n",
                serve("--socket-allow-groups=no-such-group-h10"));
        CliTest.assertFailsWith("invalid value \"no-such-group-h10\" for flag -socket-group: \"no-such-group-h10\" "
                + "is neither a known group nor a number\n",
                serve("--socket-group=no-such-group-h10"));
    }

    @Test
    void anEmptyOrSignedEntryIsRefused() {
        CliTest.assertFailsWith("invalid value \"root,,daemon\" for flag -socket-allow-users: \"root,,daemon\" has an "
                + "empty entry\n",
                serve("--socket-allow-users=root,,daemon"));
        CliTest.assertFailsWith("invalid value \"-1\" for flag -socket-allow-groups: \"-1\" is not a group name or a "
                + "number\n",
                serve("--socket-allow-groups=-1"));
    }

    @Test
    void socketFlagsWithATcpAddressAreRefused() {
        CliTest.assertFailsWith("cannot listen on TCP address \"127.0.0.1:0\": the socket mode, group and allow-list "
                + "flags apply to a Unix socket address only\n",
                CliTest.serve(root, "127.0.0.1:0", "--socket-mode=0660"));
    }
}
