// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.util.List;
import runsc.metrics.gotext.GoQuote;

/**
 * Resolves the container ID argument of the command line (e.g. {@code export-metrics ID}).
 *
 * <p>Deliberate difference from upstream: an exact container ID wins even when it is also the
 * prefix of another ID (runsc calls {@code sa1} ambiguous while {@code sa1c} exists). Otherwise a
 * unique prefix resolves; no match gives runsc's {@code file does not exist}; several give runsc's
 * ambiguity message, which (as runsc stops at the second match) names the first two in state-file
 * name order, the first as {@code "sid/cid"} and the second as {@code {"sid" "cid"}}.
 */
public final class IdResolver {
    private IdResolver() {}

    /** No container matches the argument. */
    public static final class NotFoundException extends IOException {
        private static final long serialVersionUID = 1L;

        NotFoundException() {
            super("file does not exist");
        }
    }

    /** More than one container matches the argument. */
    public static final class AmbiguousException extends IOException {
        private static final long serialVersionUID = 1L;

        AmbiguousException(String message) {
            super(message);
        }
    }

    /**
     * Resolves a full or partial container ID against the state files of a root. A root that
     * cannot be listed has no containers.
     *
     * @param root the runsc root
     * @param partialId the argument
     * @return the container
     * @throws NotFoundException "file does not exist" if nothing matches
     * @throws AmbiguousException {@code id "sb" is ambiguous and could refer to multiple containers: ...}
     */
    public static FullId resolve(RuntimeRoot root, String partialId) throws IOException {
        List<FullId> all = root.listContainersOrEmpty();
        List<FullId> matches = all.stream().filter(id -> id.containerId().equals(partialId)).toList();
        if (matches.isEmpty()) {
            matches = all.stream().filter(id -> id.containerId().startsWith(partialId)).toList();
        }
        if (matches.isEmpty()) {
            throw new NotFoundException();
        }
        if (matches.size() > 1) {
            FullId first = matches.get(0);
            FullId second = matches.get(1);
            throw new AmbiguousException("id " + GoQuote.quote(partialId)
                    + " is ambiguous and could refer to multiple containers: " + GoQuote.quote(first.toString())
                    + ", {" + GoQuote.quote(second.sandboxId()) + " " + GoQuote.quote(second.containerId()) + "}");
        }
        return matches.get(0);
    }
}
