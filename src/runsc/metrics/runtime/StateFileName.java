// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.util.Optional;

/** Parses state file names ({@code <cid>_sandbox:<sid>.state}) into full IDs. */
public final class StateFileName {
    private static final String SUFFIX = ".state";
    private static final String SEPARATOR = "_sandbox:";

    private StateFileName() {}

    /**
     * Parses a directory entry name as runsc's pattern {@code ([\w+-\.]+)_sandbox:([\w+-\.]+)\.state}
     * would, anchored (runsc's is not; no valid name tells the two apart), followed by the ID check.
     * Neither ID may contain a colon, so a name has exactly one, right after {@code _sandbox}. Written
     * out rather than as a regular expression because the server parses every name in the root on
     * every scrape.
     *
     * @param fileName a file name without directory
     * @return the full ID, or empty if the name is not a state file name with two valid IDs
     */
    public static Optional<FullId> parse(String fileName) {
        if (!fileName.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        int colon = fileName.indexOf(':');
        if (colon < 0 || colon != fileName.lastIndexOf(':') || !fileName.startsWith(SEPARATOR, colon + 1 - SEPARATOR.length())) {
            return Optional.empty();
        }
        String cid = fileName.substring(0, colon + 1 - SEPARATOR.length());
        String sid = fileName.substring(colon + 1, fileName.length() - SUFFIX.length());
        if (!FullId.isValidId(cid) || !FullId.isValidId(sid)) {
            return Optional.empty();
        }
        return Optional.of(new FullId(sid, cid));
    }
}
