// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

/**
 * A container's state as {@code containerManager.ContainerRuntimeState} reports it. A sandbox reports
 * an ID it does not know as {@link #STOPPED}.
 */
public enum ContainerState {
    /** Code 0. */
    INVALID,
    /** Code 1. */
    CREATING,
    /** Code 2. */
    RUNNING,
    /** Code 3. */
    STOPPED;

    /** {@return the wire code} */
    public int code() {
        return ordinal();
    }
}
