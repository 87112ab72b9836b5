// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import runsc.metrics.exposition.MetricRegistration;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonObject;

/**
 * One simulated sandbox in a runsc root directory: {@code <sid>_sandbox:<sid>.state} (mode 0640,
 * shaped like a real 2024 runsc state file, status {@code running}, the pid of this JVM), an empty
 * {@code <sid>_sandbox:<sid>.lock} (mode 0600), and a urpc control socket {@code runsc-<sid>.sock}
 * served by one virtual thread for accepting and one per connection. {@link #close()} stops serving
 * and removes the three files.
 */
public final class SimulatedSandbox implements AutoCloseable {

    /** Size of the reply a {@link Fault.Kind#HUGE} sandbox streams: 100 MiB. */
    public static final long HUGE_REPLY_BYTES = 100L << 20;
    /** Listen backlog of a real sandbox's control socket. */
    static final int BACKLOG = 16;

    private final SandboxOptions options;
    private final Recorded recorded;
    private final SimMetrics metrics;
    private final SimEventStats eventStats;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong exportCalls = new AtomicLong();
    private final Thread acceptor;
    private Instant lastWhen = Instant.EPOCH;
    private volatile boolean closed;

    private SimulatedSandbox(SandboxOptions options, Path root, long pid, ServerSocketChannel server) {
        this.options = options;
        Instant createdAt = preciseNow();
        this.metrics = new SimMetrics(options.fillerSeries(), options.seed(), options.fault().kind() == Fault.Kind.REGRESS,
                options.histogram());
        this.recorded = new Recorded(root.resolve(options.id() + "_sandbox:" + options.id() + ".state"),
                root.resolve(options.id() + "_sandbox:" + options.id() + ".lock"), socketIn(root, options.id()),
                pid, createdAt, metrics.registration());
        this.eventStats = new SimEventStats(options.id(), createdAt, options.seed(), options.statsLimits());
        this.server = server;
        this.acceptor = server == null ? null
                : Thread.ofVirtual().name("sim-" + options.id() + "-accept").unstarted(this::acceptLoop);
    }

    /**
     * Creates the sandbox's files in {@code root} (created if missing) and starts serving.
     *
     * @param root    the runsc root directory
     * @param options the sandbox
     * @return the running sandbox
     * @throws IOException if a file cannot be written or the socket cannot be bound (for example a
     *                     socket path of 107 bytes or more)
     */
    public static SimulatedSandbox start(Path root, SandboxOptions options) throws IOException {
        Path absoluteRoot = root.toAbsolutePath();
        Files.createDirectories(absoluteRoot);
        Path socket = socketIn(absoluteRoot, options.id());
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        long pid;
        try {
            server.bind(UnixDomainSocketAddress.of(socket), BACKLOG);
            if (options.fault().kind() == Fault.Kind.DEAD) {
                // Closing the listener leaves the socket file behind, so connecting is refused,
                // exactly what a SIGKILLed sandbox leaves.
                server.close();
                server = null;
                pid = exitedPid();
            } else {
                pid = ProcessHandle.current().pid();
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(socket);
            throw e;
        }
        SimulatedSandbox sandbox = new SimulatedSandbox(options, absoluteRoot, pid, server);
        try {
            sandbox.writeFiles();
        } catch (IOException | RuntimeException e) {
            sandbox.close();
            throw e;
        }
        if (sandbox.acceptor != null) {
            sandbox.acceptor.start();
        }
        return sandbox;
    }

    /** {@return the sandbox ID} */
    public String id() {
        return options.id();
    }

    /** {@return the options it was started with} */
    public SandboxOptions options() {
        return options;
    }

    /** {@return its files in the root directory and what its state file records} */
    public Recorded recorded() {
        return recorded;
    }

    /** {@return how many {@code Metrics.Export} calls with a valid argument it has received} */
    public long exportCalls() {
        return exportCalls.get();
    }

    /** Stops serving, closes every connection and removes the state, lock and socket files. */
    @Override
    public void close() throws IOException {
        closed = true;
        IOException failure = null;
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        for (SocketChannel c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        for (Path p : new Path[] {recorded.stateFile(), recorded.lockFile(), recorded.socketPath()}) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    long nextExportCall() {
        return exportCalls.getAndIncrement();
    }

    synchronized Snapshot takeSnapshot(Predicate<String> filter) {
        return metrics.next(now(), filter);
    }

    /** The {@code containerManager.Event} result for {@code cid}, or null for a container it does not run. */
    JsonObject eventResult(String cid) {
        return eventStats.knows(cid) ? eventStats.result(now()) : null;
    }

    /** The sandbox's wall clock: never earlier than its previous reading, with nanosecond digits. */
    synchronized Instant now() {
        Instant t = preciseNow();
        if (t.isBefore(lastWhen)) {
            t = lastWhen;
        }
        lastWhen = t;
        return t;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.add(c);
            if (closed) {
                closeQuietly(c);
                return;
            }
            Thread.ofVirtual().name("sim-" + options.id() + "-conn").start(() -> {
                try {
                    new UrpcSession(this, c).run();
                } finally {
                    connections.remove(c);
                }
            });
        }
    }

    private void writeFiles() throws IOException {
        byte[] state = Json.writeBytes(StateFile.build(options, recorded));
        Files.write(recorded.lockFile(), new byte[0]);
        Files.setPosixFilePermissions(recorded.lockFile(), PosixFilePermissions.fromString("rw-------"));
        // runsc writes in place (O_TRUNC, one write); the file is complete before any reader sees a socket answer.
        Files.write(recorded.stateFile(), state, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        Files.setPosixFilePermissions(recorded.stateFile(), PosixFilePermissions.fromString("rw-r-----"));
    }

    /** The control socket of sandbox {@code id} in {@code root}, where runsc puts it. */
    private static Path socketIn(Path root, String id) {
        return root.resolve("runsc-" + id + ".sock");
    }

    /** A pid that belonged to a process which has exited and been reaped. */
    private static long exitedPid() throws IOException {
        Process p = new ProcessBuilder("true").redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'true' did not exit within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for 'true' to exit", e);
        }
        return p.pid();
    }

    /**
     * {@code Instant.now()} has microseconds at best here; runsc writes nanoseconds, so fill them in.
     * They are taken off rather than added, so that a metric server reading its own clock in the same
     * microsecond never sees a snapshot "from the future".
     */
    private static Instant preciseNow() {
        Instant t = Instant.now();
        return t.getNano() % 1000 == 0 ? t.minusNanos(1 + Math.floorMod(System.nanoTime(), 999)) : t;
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // Already closing; nothing to report.
        }
    }

    /**
     * What a simulated sandbox wrote into the runsc root directory, fixed when it starts.
     *
     * @param stateFile    the state file, {@code <sid>_sandbox:<sid>.state}
     * @param lockFile     the lock file, {@code <sid>_sandbox:<sid>.lock}
     * @param socketPath   the control socket path, as recorded in the state file
     * @param pid          the pid recorded in the state file (this JVM's, or an exited process's for
     *                     {@code dead})
     * @param createdAt    the container creation time recorded in the state file
     * @param registration the metrics the sandbox registered (also in its state file)
     */
    public record Recorded(Path stateFile, Path lockFile, Path socketPath, long pid, Instant createdAt,
                           MetricRegistration registration) {
    }
}
