// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ScratchDir;

/**
 * {@code runsc-metrics simulate} and {@code runsc-metrics metric-server} as two processes on one root
 * and one address, the way a user would try the server without gVisor: the simulation's state files
 * name the address, so the server takes the sandboxes on.
 */
final class SimulatedServer implements AutoCloseable {
    /** How long a launcher may take to come up (JVM start plus binding). */
    static final Duration STARTUP = Duration.ofSeconds(20);

    private final Path root;
    private final String address;
    private final Path pidFile;
    private final Daemon simulation;
    private final Daemon server;

    private SimulatedServer(Path root, String address, Path pidFile, Daemon simulation, Daemon server) {
        this.root = root;
        this.address = address;
        this.pidFile = pidFile;
        this.simulation = simulation;
        this.server = server;
    }

    /**
     * Starts {@code sandboxes} simulated sandboxes ({@code sim-1} ...) in {@code dir/root} with extra
     * simulate flags, waits until they exist, then starts a metric server on {@code address} and waits
     * until it has bound (its PID file appears).
     */
    static SimulatedServer start(ScratchDir dir, String address, int sandboxes, String... simulateFlags)
            throws IOException, InterruptedException {
        return start(dir, address, sandboxes, List.of(), simulateFlags);
    }

    /** As {@link #start(ScratchDir, String, int, String...)}, with extra {@code metric-server} flags. */
    static SimulatedServer start(ScratchDir dir, String address, int sandboxes, List<String> serverFlags,
                                 String... simulateFlags) throws IOException, InterruptedException {
        Path root = dir.resolve("root");
        Path pidFile = dir.resolve("server.pid");
        List<String> simulate = new ArrayList<>(RuntimeImage.command("--root=" + root, "--metric-server=" + address,
                "simulate", "--sandboxes=" + sandboxes));
        simulate.addAll(List.of(simulateFlags));
        Daemon simulation = Daemon.start("simulate", simulate, dir.path());
        Daemon server = null;
        try {
            simulation.awaitStdout("simulating " + sandboxes + " sandboxes", STARTUP);
            List<String> serve = new ArrayList<>(RuntimeImage.command("--root=" + root, "--metric-server=" + address,
                    "metric-server", "--pid-file=" + pidFile));
            serve.addAll(serverFlags);
            server = Daemon.start("metric-server", serve, dir.path());
            server.awaitFile(pidFile, STARTUP);
            return new SimulatedServer(root, address, pidFile, simulation, server);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            if (server != null) {
                server.close();
            }
            simulation.close();
            throw e;
        }
    }

    /** The runsc root of the simulated sandboxes. */
    Path root() {
        return root;
    }

    /** The {@code --metric-server} address. */
    String address() {
        return address;
    }

    /** The address as a socket path (only for Unix-socket addresses). */
    Path socket() {
        return Path.of(address);
    }

    /** Where the server wrote its PID. */
    Path pidFile() {
        return pidFile;
    }

    /** The {@code simulate} process. */
    Daemon simulation() {
        return simulation;
    }

    /** The {@code metric-server} process. */
    Daemon server() {
        return server;
    }

    /** Stops the server, then the simulation (each SIGTERM, then SIGKILL if needed). */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            simulation.close();
        }
    }
}
