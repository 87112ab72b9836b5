// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import runsc.metrics.server.http.unix.ConnectionCap.Admission;

class ConnectionCapTest {
    private record User(String getName) implements UserPrincipal {}

    private static final User ROOT = new User("root");
    private static final User NOBODY = new User("nobody");
    private static final User DAEMON = new User("daemon");

    /** 8 in all, 2 per user, 2 kept for root. */
    private final ConnectionCap cap = new ConnectionCap(8, 2, 2, ROOT);

    private void admit(User user, int times) {
        for (int i = 0; i < times; i++) {
            assertEquals(Admission.ADMITTED, cap.admit(user), user + " #" + (i + 1));
        }
    }

    /** The next connection of {@code user} is refused for its share being taken, with {@code reason}. */
    private void assertUserFull(User user, String reason) {
        assertEquals(Admission.USER_FULL, cap.admit(user));
        assertEquals(reason, cap.reason(Admission.USER_FULL, user));
    }

    @Test
    void oneUserGetsItsShareAndNoMore() {
        admit(NOBODY, 2);
        assertUserFull(NOBODY, "too many connections from user nobody (limit 2)");
        admit(DAEMON, 2);
        admit(ROOT, 1);
        cap.release(NOBODY);
        admit(NOBODY, 1);
    }

    @Test
    void otherUsersTogetherLeaveRoomForRoot() {
        admit(new User("a"), 2);
        admit(new User("b"), 2);
        admit(new User("c"), 2);
        assertEquals(Admission.SERVER_FULL, cap.admit(new User("d")), "6 of 8 taken: the other 2 are root's");
        assertEquals("too many connections (limit 8, 2 of them kept for root)", cap.reason(Admission.SERVER_FULL, null));
        admit(ROOT, 2);
        assertEquals(Admission.SERVER_FULL, cap.admit(ROOT), "root is bound by the cap in all");
    }

    @Test
    void rootIsNotLimitedPerUser() {
        admit(ROOT, 8);
        assertEquals(Admission.SERVER_FULL, cap.admit(NOBODY));
        cap.release(ROOT);
        admit(NOBODY, 1);
    }

    @Test
    void anUnknownPeerCountsAsOneOtherUser() {
        admit(null, 2);
        assertUserFull(null, "too many connections from user (unknown) (limit 2)");
        admit(NOBODY, 2);
    }
}
