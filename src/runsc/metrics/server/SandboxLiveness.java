// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import runsc.metrics.control.ControlClient;
import runsc.metrics.control.ControlException;
import runsc.metrics.json.JsonString;
import runsc.metrics.runtime.ControlSocket;
import runsc.metrics.runtime.Liveness;
import runsc.metrics.runtime.Sandbox;

/**
 * Whether a sandbox that its state file says is running still runs: upstream's {@code kill(pid, 0)},
 * and, only where that says "no such process", its control socket.
 *
 * <p>Upstream's check alone cannot work where the server does not see the sandboxes' PIDs: inside a
 * gVisor sandbox (the documented {@code --host-uds=all} set-up) or a container with its own PID
 * namespace, every host PID is "no such process", so no sandbox is ever served. There the sandbox's
 * control socket decides: a connection the socket accepts proves that a process holds it listening
 * (a Unix socket without a listener refuses), so the sandbox runs; a refused or missing socket means
 * it does not. The server does not need to know which case it is in: on a host that sees the PIDs,
 * "no such process" means the sandbox process has exited, and then its socket refuses (the file is
 * left behind unbound), so the outcome is upstream's; the socket is asked only in that case.
 *
 * <p>The probe sends {@code containerManager.ContainerRuntimeState}, the call runsc's own CLI makes,
 * with a short deadline. A socket that accepts and then says nothing within it still counts as
 * running, as a live PID with a hung sentry does upstream; the scrape then reports it broken.
 */
final class SandboxLiveness {
    /** How long the probe waits: a live sandbox answers in milliseconds. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final Path root;
    private final ControlClient client;

    SandboxLiveness(Path root, ControlClient client) {
        this.root = root;
        this.client = client;
    }

    /** The verdict, with the words discovery logs and keeps. */
    record Verdict(boolean running, boolean bySocket, String reason) {}

    /**
     * Decides whether the sandbox process runs.
     *
     * @param sandbox the root container's sandbox record
     * @return running or not, and why
     */
    Verdict check(Sandbox sandbox) {
        long pid = sandbox.pid();
        switch (Liveness.signal0(pid)) {
            case DELIVERED -> {
                return new Verdict(true, false, "process " + pid + " is running");
            }
            case REFUSED -> {
                return new Verdict(false, false, pid <= 0 ? "it records no process (pid " + pid + ")"
                        : "process " + pid + " cannot be signalled (kill with signal 0 failed)");
            }
            case NO_SUCH_PROCESS -> {
                return probe(sandbox, pid);
            }
        }
        throw new AssertionError("unreachable");
    }

    private static final String RUNTIME_STATE = "containerManager.ContainerRuntimeState";

    private Verdict probe(Sandbox sandbox, long pid) {
        String gone = "process " + pid + " does not exist here";
        Path socket;
        try {
            socket = ControlSocket.resolve(sandbox, root);
        } catch (IOException e) {
            return new Verdict(false, false, gone + " and " + e.getMessage());
        }
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        try {
            // Any answer will do: the state it reports is not needed, only that a process answers.
            client.call(sandbox.id(), socket, RUNTIME_STATE, new JsonString(sandbox.id()), deadline);
            return new Verdict(true, true, gone + ", but its control socket " + socket + " answers");
        } catch (ControlException e) {
            if (e.kind() == ControlException.Kind.CONNECT) {
                return new Verdict(false, false, gone + " and its control socket refuses: " + e.getMessage());
            }
            // Accepted, so a process holds the socket; what it said (or did not) is the scrape's concern.
            return new Verdict(true, true, gone + ", but its control socket " + socket + " accepts connections ("
                    + e.getMessage() + ")");
        }
    }
}
