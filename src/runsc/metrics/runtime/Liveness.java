// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

/**
 * Sandbox liveness as runsc decides it: a sandbox runs iff its PID is not 0 and
 * {@code kill(pid, 0)} succeeds.
 *
 * <p>Any error counts as "not running", EPERM included, so the server must run as the sandbox's
 * user (or root) in the same PID namespace as runsc. A zombie still counts as running until it is
 * reaped. {@code ProcessHandle} and {@code /proc} only approximate this (they differ on EPERM and
 * across PID namespaces), hence the native call.
 */
public final class Liveness {
    private Liveness() {}

    /**
     * Tells whether the process {@code pid} exists and may be signalled by this process.
     *
     * @param pid a PID from a state file; 0, negative values and values beyond {@code int} are
     *     never running (a negative PID would address a process group)
     * @return {@code pid > 0 && kill(pid, 0) == 0}
     */
    public static boolean isRunning(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            return false;
        }
        return !Posix.kill((int) pid, 0).failed();
    }
}
