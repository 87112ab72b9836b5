// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;

import runsc.metrics.server.config.SocketAccess;

/**
 * The flags of {@code metric-server} that say who may use its Unix socket: {@code --socket-mode},
 * {@code --socket-group}, {@code --socket-allow-users} and {@code --socket-allow-groups}, read into
 * one {@link SocketAccess}. The defaults give upstream's socket (0777, everyone).
 *
 * @param mode   {@code --socket-mode}
 * @param group  {@code --socket-group}
 * @param users  {@code --socket-allow-users}
 * @param groups {@code --socket-allow-groups}
 */
record SocketAccessFlags(FlagSet.Flag<String> mode, FlagSet.Flag<String> group, FlagSet.Flag<String> users,
                         FlagSet.Flag<String> groups) {

    static SocketAccessFlags define(FlagSet flags) {
        return new SocketAccessFlags(
                flags.string("socket-mode", "0777",
                        "The Unix socket's permission bits, in octal (upstream's 0777 lets every local user connect)."),
                flags.string("socket-group", "",
                        "If set, the Unix socket's group: a group name or number."),
                flags.string("socket-allow-users", "",
                        "If set, only these users (comma-separated names or uids) and root may use the Unix socket; "
                                + "others get 403."),
                flags.string("socket-allow-groups", "",
                        "If set, only peers whose group is one of these (comma-separated names or gids) and root "
                                + "may use the Unix socket, besides --socket-allow-users; others get 403."));
    }

    /**
     * The access the flags describe.
     *
     * @return the access
     * @throws UsageException naming the flag and value for a mode that is not octal 0 to 0777
     * @throws CliException naming the flag and value for a user or group that is neither known nor a number
     */
    SocketAccess get() throws UsageException, CliException {
        int bits;
        try {
            bits = SocketAccess.parseMode(mode.get());
        } catch (IllegalArgumentException e) {
            throw new UsageException(invalid(mode, e));
        }
        try {
            Optional<GroupPrincipal> owner = group.get().isEmpty()
                    ? Optional.empty() : Optional.of(SocketAccess.parseGroup(group.get()));
            Set<UserPrincipal> allowedUsers;
            try {
                allowedUsers = SocketAccess.parseUsers(users.get());
            } catch (IllegalArgumentException e) {
                throw new CliException(invalid(users, e));
            }
            try {
                return new SocketAccess(bits, owner, allowedUsers, SocketAccess.parseGroups(groups.get()));
            } catch (IllegalArgumentException e) {
                throw new CliException(invalid(groups, e));
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(invalid(group, e));
        }
    }

    private static String invalid(FlagSet.Flag<String> flag, IllegalArgumentException e) {
        return "invalid value \"" + flag.get() + "\" for flag -" + flag.name() + ": " + e.getMessage();
    }
}
