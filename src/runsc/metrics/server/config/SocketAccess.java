// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use the Unix socket: the socket file's mode and group, and an allow-list checked against
 * each connection's peer credentials ({@code SO_PEERCRED}). Upstream makes its socket {@code 0777}
 * and checks nobody, so any local user reads pod names, namespaces and capabilities; that stays the
 * default ({@link #UPSTREAM}) for drop-in use.
 *
 * <p>A connection is allowed when the allow-list is empty, when its peer is root, when its user is
 * one of {@code users}, or when its group (the peer process's effective group; the kernel does not
 * pass supplementary groups) is one of {@code groups}. Principals compare by number, so a name and
 * its uid or gid are the same entry.
 *
 * @param mode   the socket file's permission bits, {@code 0} to {@code 0777}
 * @param group  the socket file's group, if it is to be changed
 * @param users  users allowed besides root; with {@code groups} empty too, everyone is
 * @param groups groups allowed
 */
public record SocketAccess(int mode, Optional<GroupPrincipal> group, Set<UserPrincipal> users,
                           Set<GroupPrincipal> groups) {
    /** Upstream's socket mode. */
    public static final int UPSTREAM_MODE = 0777;
    /** Upstream's access: mode 0777, the server's group, everyone allowed. */
    public static final SocketAccess UPSTREAM = new SocketAccess(UPSTREAM_MODE, Optional.empty(), Set.of(), Set.of());

    /** Checks the values and copies the sets. */
    public SocketAccess {
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("socket mode must be 0 to 0777, got 0" + Integer.toOctalString(mode));
        }
        Objects.requireNonNull(group, "group");
        users = Set.copyOf(users);
        groups = Set.copyOf(groups);
    }

    /** True if only some peers may use the socket. */
    public boolean restricted() {
        return !users.isEmpty() || !groups.isEmpty();
    }

    /**
     * Whether a peer may use the socket. Root's connections are checked by the caller, which knows
     * who root is.
     *
     * @param user  the peer's user, or null if the kernel did not say
     * @param group the peer's group, or null if the kernel did not say
     * @return true if allowed
     */
    public boolean allows(UserPrincipal user, GroupPrincipal group) {
        return !restricted() || user != null && users.contains(user) || group != null && groups.contains(group);
    }

    /**
     * Parses an octal mode such as {@code 0660} or {@code 660}.
     *
     * @param text the flag's value
     * @return the permission bits
     * @throws IllegalArgumentException naming the value if it is not an octal number from 0 to 0777
     */
    public static int parseMode(String text) {
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(c -> c >= '0' && c <= '7')) {
            throw new IllegalArgumentException("\"" + text + "\" is not an octal file mode from 0000 to 0777");
        }
        int mode = Integer.parseInt(text, 8);
        if (mode > 0777) {
            throw new IllegalArgumentException("\"" + text + "\" is not an octal file mode from 0000 to 0777 "
                    + "(set-id and sticky bits mean nothing on a socket)");
        }
        return mode;
    }

    /**
     * Looks up a comma-separated list of user names or numeric uids.
     *
     * @param text the list; empty for none
     * @return the users
     * @throws IllegalArgumentException naming the entry that is neither a known user nor a number
     */
    public static Set<UserPrincipal> parseUsers(String text) {
        Set<UserPrincipal> users = new LinkedHashSet<>();
        for (String entry : entries(text)) {
            users.add(lookup(entry, "user", lookup -> lookup.lookupPrincipalByName(entry)));
        }
        return users;
    }

    /**
     * Looks up a comma-separated list of group names or numeric gids.
     *
     * @param text the list; empty for none
     * @return the groups
     * @throws IllegalArgumentException naming the entry that is neither a known group nor a number
     */
    public static Set<GroupPrincipal> parseGroups(String text) {
        Set<GroupPrincipal> groups = new LinkedHashSet<>();
        for (String entry : entries(text)) {
            groups.add(parseGroup(entry));
        }
        return groups;
    }

    /**
     * Looks up one group name or numeric gid.
     *
     * @param entry the name or number
     * @return the group
     * @throws IllegalArgumentException naming the entry if it is neither a known group nor a number
     */
    public static GroupPrincipal parseGroup(String entry) {
        return lookup(entry, "group", lookup -> lookup.lookupPrincipalByGroupName(entry));
    }

    private static Set<String> entries(String text) {
        Set<String> entries = new LinkedHashSet<>();
        if (text.isEmpty()) {
            return entries;
        }
        for (String entry : text.split(",", -1)) {
            if (entry.isBlank()) {
                throw new IllegalArgumentException("\"" + text + "\" has an empty entry");
            }
            entries.add(entry.strip());
        }
        return entries;
    }

    @FunctionalInterface
    private interface Lookup<P> {
        P find(UserPrincipalLookupService lookup) throws IOException;
    }

    private static <P> P lookup(String entry, String kind, Lookup<P> how) {
        if (entry.startsWith("-") || entry.startsWith("+")) {
            throw new IllegalArgumentException("\"" + entry + "\" is not a " + kind + " name or a number");
        }
        try {
            // The JDK takes a number that names no entry of the user or group database as the id itself.
            return how.find(FileSystems.getDefault().getUserPrincipalLookupService());
        } catch (UserPrincipalNotFoundException e) {
            throw new IllegalArgumentException("\"" + entry + "\" is neither a known " + kind + " nor a number");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot look up " + kind + " \"" + entry + "\": " + e.getMessage());
        }
    }
}
