// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.util.Objects;

/**
 * One container of one sandbox, as named by its state file {@code <cid>_sandbox:<sid>.state}.
 *
 * @param sandboxId the sandbox ID (the root container's ID)
 * @param containerId the container ID
 */
public record FullId(String sandboxId, String containerId) {
    /** Validates both IDs with the runsc ID rule ({@link #isValidId(String)}). */
    public FullId {
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(containerId, "containerId");
        if (!isValidId(sandboxId)) {
            throw new IllegalArgumentException("invalid sandbox ID \"" + sandboxId + "\": " + ID_RULE);
        }
        if (!isValidId(containerId)) {
            throw new IllegalArgumentException("invalid container ID \"" + containerId + "\": " + ID_RULE);
        }
    }

    /** The ID rule in words, for messages. */
    static final String ID_RULE = "must match ^[\\w+\\.-]+$ (ASCII letters, digits, '_', '+', '.', '-')";

    /**
     * Returns the root container of sandbox {@code sandboxId}, whose container ID equals the sandbox ID.
     *
     * @param sandboxId the sandbox ID
     * @return {@code (sandboxId, sandboxId)}
     */
    public static FullId root(String sandboxId) {
        return new FullId(sandboxId, sandboxId);
    }

    /**
     * Tells whether {@code id} satisfies runsc's {@code ^[\w+\.-]+$} with ASCII {@code \w}: one or
     * more ASCII letters, digits, {@code _}, {@code +}, {@code .} or {@code -}.
     *
     * @param id a candidate ID
     * @return whether it is a valid sandbox or container ID
     */
    public static boolean isValidId(String id) {
        if (id.isEmpty()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '+' || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tells whether this is a sandbox's root container (container ID equals sandbox ID).
     *
     * @return {@code containerId.equals(sandboxId)}
     */
    public boolean isRoot() {
        return containerId.equals(sandboxId);
    }

    /**
     * Returns the state file name, {@code <cid>_sandbox:<sid>.state}.
     *
     * @return the file name, without directory
     */
    public String stateFileName() {
        return containerId + "_sandbox:" + sandboxId + ".state";
    }

    /**
     * Returns the lock file name, {@code <cid>_sandbox:<sid>.lock}.
     *
     * @return the file name, without directory
     */
    public String lockFileName() {
        return containerId + "_sandbox:" + sandboxId + ".lock";
    }

    /** Returns {@code <sid>/<cid>}, the way runsc prints a full ID. */
    @Override
    public String toString() {
        return sandboxId + "/" + containerId;
    }
}
