// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LivenessTest {
    @Test
    void currentProcessIsRunning() {
        assertTrue(Liveness.isRunning(ProcessHandle.current().pid()));
    }

    @Test
    void reapedChildIsNotRunning() throws Exception {
        Process child = new ProcessBuilder("true").start();
        long pid = child.pid();
        child.waitFor();
        // Waiting reaps the child, so kill(pid, 0) gives ESRCH (unless the PID was reused at once).
        assertFalse(Liveness.isRunning(pid));
    }

    @Test
    void pidZeroIsNeverRunning() {
        assertFalse(Liveness.isRunning(0));
    }

    @Test
    void negativeAndOversizedPidsAreNeverRunning() {
        // kill(-1, 0) would address every process we may signal, and succeed.
        assertFalse(Liveness.isRunning(-1));
        assertFalse(Liveness.isRunning(1L << 32));
    }

    @Test
    void signal0TellsAMissingProcessFromOneThatMayNotBeSignalled() throws Exception {
        assertEquals(Liveness.Signal0.DELIVERED, Liveness.signal0(ProcessHandle.current().pid()));
        Process child = new ProcessBuilder("true").start();
        child.waitFor();
        // ESRCH: the case where discovery asks the control socket instead.
        assertEquals(Liveness.Signal0.NO_SUCH_PROCESS, Liveness.signal0(child.pid()));
        // No call at all for these: 0 and negative PIDs address process groups.
        assertEquals(Liveness.Signal0.REFUSED, Liveness.signal0(0));
        assertEquals(Liveness.Signal0.REFUSED, Liveness.signal0(-1));
        assertEquals(Liveness.Signal0.REFUSED, Liveness.signal0(1L << 32));
    }

    @Test
    void sandboxDelegatesToPid() {
        Sandbox running = SandboxTestValues.sandbox("sb1", ProcessHandle.current().pid());
        assertTrue(running.isRunning());
        assertFalse(SandboxTestValues.sandbox("sb1", 0).isRunning());
    }
}
