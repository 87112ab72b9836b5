// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

/** The {@code status} of a container state file. */
public enum ContainerStatus {
    /** {@code creating}: in memory only in practice; the first save happens at {@code created}. */
    CREATING("creating"),
    /** {@code created}: the sandbox is up, the container's process has not started. */
    CREATED("created"),
    /** {@code running}: started; stays so in the file after a SIGKILL of the sandbox. */
    RUNNING("running"),
    /** {@code paused}: the sandbox still answers metric exports. */
    PAUSED("paused"),
    /** {@code stopped}: exited or destroyed; the file stays until {@code runsc delete}. */
    STOPPED("stopped"),
    /** Any other text, or none: runsc's status is a plain string, so this is not an error. */
    UNKNOWN("");

    private final String text;

    ContainerStatus(String text) {
        this.text = text;
    }

    /**
     * Returns the text as runsc writes it.
     *
     * @return e.g. {@code running}; empty for {@link #UNKNOWN}
     */
    public String text() {
        return text;
    }

    /**
     * Maps a state file's status text (exact, case-sensitive, as runsc compares it).
     *
     * @param text the {@code status} value
     * @return the status, {@link #UNKNOWN} for anything else
     */
    public static ContainerStatus of(String text) {
        for (ContainerStatus s : values()) {
            if (s != UNKNOWN && s.text.equals(text)) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
