// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.nio.file.attribute.UserPrincipal;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The connection cap of the Unix socket, per peer user. The socket is {@code 0777}, as upstream's,
 * so any local user can connect; without a share per user one of them could hold every slot with
 * idle connections and lock out the healthchecks of everyone else. So a user other than root may
 * hold at most {@code perUser} connections, and those users together all but {@code reservedForRoot}
 * of them: neither one user nor several can keep root out, and one user cannot keep the others out.
 */
final class ConnectionCap {
    /** Whether a connection may be served, and if not, which bound it met. */
    enum Admission {
        /** Served; the slot must be released when the connection ends. */
        ADMITTED,
        /** Every slot is taken, or every slot that users other than root may take. */
        SERVER_FULL,
        /** The peer's user holds its share already. */
        USER_FULL
    }

    private final int total;
    private final int perUser;
    private final int reservedForRoot;
    private final UserPrincipal root;
    // Guarded by this.
    private int inUse;
    private int othersInUse;
    private final Map<UserPrincipal, Integer> byUser = new HashMap<>();

    /**
     * Creates a cap.
     *
     * @param total connections served at once
     * @param perUser connections one user other than root may hold
     * @param reservedForRoot slots users other than root may never take
     * @param root the root user; connections of an unknown user (null) count as another user's
     */
    ConnectionCap(int total, int perUser, int reservedForRoot, UserPrincipal root) {
        this.total = total;
        this.perUser = perUser;
        this.reservedForRoot = reservedForRoot;
        this.root = root;
    }

    /**
     * Takes a slot for a connection of {@code user} if the bounds allow it.
     *
     * @param user the peer's user, or null if unknown
     * @return whether the connection may be served
     */
    synchronized Admission admit(UserPrincipal user) {
        if (inUse >= total) {
            return Admission.SERVER_FULL;
        }
        if (!isRoot(user)) {
            if (byUser.getOrDefault(user, 0) >= perUser) {
                return Admission.USER_FULL;
            }
            if (othersInUse >= total - reservedForRoot) {
                return Admission.SERVER_FULL;
            }
            othersInUse++;
            byUser.merge(user, 1, Integer::sum);
        }
        inUse++;
        return Admission.ADMITTED;
    }

    /**
     * Gives back the slot of an admitted connection.
     *
     * @param user the user it was admitted for
     */
    synchronized void release(UserPrincipal user) {
        inUse--;
        if (!isRoot(user)) {
            othersInUse--;
            byUser.computeIfPresent(user, (u, n) -> n == 1 ? null : n - 1);
        }
    }

    /**
     * Explains a refusal to the peer.
     *
     * @param admission the refusal
     * @param user the peer's user, or null if unknown
     * @return the reason, such as {@code too many connections from user nobody (limit 16)}
     */
    String reason(Admission admission, UserPrincipal user) {
        return switch (admission) {
            case USER_FULL -> "too many connections from user " + (user == null ? "(unknown)" : user.getName())
                    + " (limit " + perUser + ")";
            case SERVER_FULL -> "too many connections (limit " + total
                    + (reservedForRoot > 0 ? ", " + reservedForRoot + " of them kept for root" : "") + ")";
            case ADMITTED -> throw new IllegalArgumentException("an admitted connection has no refusal reason");
        };
    }

    private boolean isRoot(UserPrincipal user) {
        return user != null && Objects.equals(user, root);
    }
}
