// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses state file names ({@code <cid>_sandbox:<sid>.state}) into full IDs. */
public final class StateFileName {
    /**
     * runsc's file-name pattern, anchored here (runsc's is not; no valid name tells the two apart).
     * The class {@code [\w+-\.]} of runsc contains the range {@code +..}{@code .}, hence the
     * {@code ,}; the ID check afterwards rejects it.
     */
    private static final Pattern NAME = Pattern.compile("([\\w+,.-]+)_sandbox:([\\w+,.-]+)\\.state");

    private StateFileName() {}

    /**
     * Parses a directory entry name.
     *
     * @param fileName a file name without directory
     * @return the full ID, or empty if the name is not a state file name with two valid IDs
     */
    public static Optional<FullId> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        String cid = m.group(1);
        String sid = m.group(2);
        if (!FullId.isValidId(cid) || !FullId.isValidId(sid)) {
            return Optional.empty();
        }
        return Optional.of(new FullId(sid, cid));
    }
}
