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
    /** errno of a PID with no process behind it, the same on every Linux architecture. */
    private static final int ESRCH = 3;

    private Liveness() {}

    /**
     * Tells whether the process {@code pid} exists and may be signalled by this process.
     *
     * @param pid a PID from a state file; 0, negative values and values beyond {@code int} are
     *     never running (a negative PID would address a process group)
     * @return {@code pid > 0 && kill(pid, 0) == 0}
     */
    public static boolean isRunning(long pid) {
        return signal0(pid) == Signal0.DELIVERED;
    }

    /** What {@code kill(pid, 0)} says about a PID. */
    public enum Signal0 {
        /** The call succeeded: the process exists here and may be signalled. */
        DELIVERED,
        /**
         * ESRCH: no such process in this PID namespace. Either it has exited, or it lives in a
         * namespace this process cannot see (a server inside a gVisor sandbox, a container without
         * the host's PID namespace).
         */
        NO_SUCH_PROCESS,
        /** Any other failure (EPERM), or a PID that is 0, negative or beyond {@code int}. */
        REFUSED
    }

    /**
     * Sends signal 0 and says how it went, so that a caller can tell a process that is not there
     * from one it may not signal.
     *
     * @param pid a PID from a state file
     * @return the outcome; {@link Signal0#REFUSED} without a call for PIDs {@link #isRunning} never
     *     asks about
     */
    public static Signal0 signal0(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            return Signal0.REFUSED;
        }
        Posix.Result result = Posix.kill((int) pid, 0);
        if (!result.failed()) {
            return Signal0.DELIVERED;
        }
        return result.errno() == ESRCH ? Signal0.NO_SUCH_PROCESS : Signal0.REFUSED;
    }
}
