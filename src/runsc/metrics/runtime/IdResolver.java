// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import runsc.metrics.gotext.GoQuote;

/**
 * Resolves the container ID argument of the command line (e.g. {@code export-metrics ID}).
 *
 * <p>Deliberate difference from upstream: an exact container ID wins even when it is also the
 * prefix of another ID (runsc calls {@code sa1} ambiguous while {@code sa1c} exists). Otherwise a
 * unique prefix resolves; no match gives runsc's {@code file does not exist}, followed by which of
 * the cases it is (no such container in the root, or no root at all), where runsc says the same for
 * both; several give runsc's ambiguity message, which (as runsc stops at the second match) names the
 * first two in state-file name order, the first as {@code "sid/cid"} and the second as
 * {@code {"sid" "cid"}}. A root that cannot be read is a {@link RootUnreadableException} naming it.
 */
public final class IdResolver {
    private IdResolver() {}

    /** runsc's words when no container matches; the detail follows them. */
    public static final String NOT_FOUND = "file does not exist";

    /** No container matches the argument, or the root does not exist. */
    public static final class NotFoundException extends IOException {
        private static final long serialVersionUID = 1L;

        NotFoundException(String detail) {
            super(NOT_FOUND + ": " + detail);
        }
    }

    /** The root exists but cannot be listed: no permission, or it is not a directory. */
    public static final class RootUnreadableException extends IOException {
        private static final long serialVersionUID = 1L;

        RootUnreadableException(String message, IOException cause) {
            super(message, cause);
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
     * Resolves a full or partial container ID against the state files of a root.
     *
     * @param root the runsc root
     * @param partialId the argument
     * @return the container
     * @throws NotFoundException {@code file does not exist: no such container "ID" in root "R"}, or
     *     {@code file does not exist: root directory "R" does not exist}
     * @throws RootUnreadableException {@code permission denied on root directory "R"}, or
     *     {@code root "R" is not a directory}
     * @throws AmbiguousException {@code id "sb" is ambiguous and could refer to multiple containers: ...}
     */
    public static FullId resolve(RuntimeRoot root, String partialId) throws IOException {
        List<FullId> all = list(root);
        List<FullId> matches = all.stream().filter(id -> id.containerId().equals(partialId)).toList();
        if (matches.isEmpty()) {
            matches = all.stream().filter(id -> id.containerId().startsWith(partialId)).toList();
        }
        if (matches.isEmpty()) {
            throw new NotFoundException("no such container " + GoQuote.quote(partialId) + " in root "
                    + GoQuote.quote(root.dir().toString()));
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

    /** Lists the root's containers, telling a missing root from one that cannot be read. */
    private static List<FullId> list(RuntimeRoot root) throws IOException {
        try {
            return root.listContainers();
        } catch (IOException e) {
            String dir = GoQuote.quote(root.dir().toString());
            IOException cause = e.getCause() instanceof IOException io ? io : e;
            if (cause instanceof NoSuchFileException || !Files.exists(root.dir())) {
                throw new NotFoundException("root directory " + dir + " does not exist");
            }
            if (cause instanceof AccessDeniedException) {
                throw new RootUnreadableException("permission denied on root directory " + dir, e);
            }
            if (cause instanceof NotDirectoryException || !Files.isDirectory(root.dir())) {
                throw new RootUnreadableException("root " + dir + " is not a directory", e);
            }
            throw new RootUnreadableException("cannot list root directory " + dir + ": " + cause.getMessage(), e);
        }
    }
}
