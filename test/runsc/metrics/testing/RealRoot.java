// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A private runsc root directory for real sandboxes, short enough for control socket paths
 * ({@code /tmp/rrNNN/root}), removed with everything in it when closed.
 *
 * <p>Layout: {@code BASE/root} is the runsc {@code --root}; {@code BASE/bundles/ID} holds each
 * sandbox's OCI bundle and the output of its {@code create} and {@code start}. Closing removes every
 * sandbox started here ({@code kill KILL}, {@code delete --force}), then SIGKILLs any process still
 * running with this {@code --root}, removes the sandboxes' cgroups if runsc left them, and deletes
 * BASE, even when a removal fails (the first failure is thrown afterwards).
 */
public final class RealRoot implements AutoCloseable {
    /** Kernel limit for {@code sun_path}, minus the terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;
    /** How many times {@link #start(SandboxSpec)} starts a sandbox that does not answer. */
    static final int START_TRIES = 3;

    private final Path base;
    private final Path root;
    private final List<RealSandbox> sandboxes = new ArrayList<>();
    private boolean closed;

    private RealRoot(Path base, Path root) {
        this.base = base;
        this.root = root;
    }

    /** Makes a fresh root under {@code /tmp}. It is empty until a sandbox is created in it. */
    public static RealRoot create() throws IOException {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "rr");
        return new RealRoot(base, Files.createDirectory(base.resolve("root")));
    }

    /** The runsc {@code --root} directory. */
    public Path path() {
        return root;
    }

    /** The default {@code --metric-server} address of sandboxes created here: {@code ROOT/metrics.sock}. */
    public String metricServerAddress() {
        return root.resolve("metrics.sock").toString();
    }

    /**
     * Creates and starts a sandbox ({@code runsc create} then {@code runsc start}, each with a deadline)
     * and hands it over only once it is alive and answers on its control socket. A sandbox that does
     * not is removed and started again, at most {@value #START_TRIES} times in all; then the failure
     * names every try with the sandbox's logs. Tests therefore never check this themselves.
     */
    public RealSandbox start(SandboxSpec spec) throws IOException {
        return start(spec, RealSandbox::answerProblem);
    }

    /** Why a started sandbox is not fit for a test, or empty when it is. */
    @FunctionalInterface
    interface Check {
        /** The problem, or empty. */
        Optional<String> problem(RealSandbox sandbox) throws IOException;
    }

    /** {@link #start(SandboxSpec)} with the check given, so that the replacement itself can be tested. */
    RealSandbox start(SandboxSpec spec, Check check) throws IOException {
        StringBuilder tries = new StringBuilder();
        for (int i = 1; i <= START_TRIES; i++) {
            RealSandbox sandbox = register(spec);
            Optional<String> problem;
            try {
                sandbox.create();
                sandbox.start();
                problem = check.problem(sandbox);
            } catch (IOException e) {
                problem = Optional.of(e.getMessage());
            }
            if (problem.isEmpty()) {
                if (i > 1) {
                    System.err.println("real sandbox " + spec.id() + " answered on try " + i + " of " + START_TRIES
                            + "; earlier tries:" + tries);
                }
                return sandbox;
            }
            tries.append("\ntry ").append(i).append(": ").append(problem.get()).append('\n')
                    .append(sandbox.diagnostics());
            sandbox.close();
        }
        throw new IOException("sandbox " + spec.id() + " in " + root + " is not alive and answering on its control"
                + " socket after " + START_TRIES + " tries:" + tries);
    }

    /** Creates a sandbox without starting it: its state file says {@code "status":"created"}. */
    public RealSandbox createOnly(SandboxSpec spec) throws IOException {
        RealSandbox sandbox = register(spec);
        sandbox.create();
        return sandbox;
    }

    /** A sandbox of this root with its bundle directory, not yet created; closing the root removes it. */
    private RealSandbox register(SandboxSpec spec) throws IOException {
        if (closed) {
            throw new IllegalStateException("root " + root + " is closed");
        }
        for (RealSandbox s : sandboxes) {
            if (!s.isClosed() && s.id().equals(spec.id())) {  // a closed one is deleted: its ID is free again
                throw new IllegalArgumentException("sandbox id " + spec.id() + " is already used in " + root);
            }
        }
        String socket = root.resolve("runsc-" + spec.id() + ".sock").toString();
        if (socket.length() > MAX_SOCKET_PATH) {
            throw new IllegalArgumentException("control socket path " + socket + " is longer than "
                    + MAX_SOCKET_PATH + " bytes");
        }
        Path bundle = Files.createDirectories(base.resolve("bundles").resolve(spec.id()));
        // The cgroup is named after this root, not the bare ID, so that concurrent test runs that
        // both use "sb1" do not share (and then delete) each other's cgroup.
        RealSandbox sandbox = new RealSandbox(this, spec, bundle, "/" + base.getFileName() + "-" + spec.id());
        sandboxes.add(sandbox);  // before create: a failed create is cleaned up too
        return sandbox;
    }

    /** The sandboxes created here and not yet closed, oldest first. */
    public List<RealSandbox> sandboxes() {
        return sandboxes.stream().filter(s -> !s.isClosed()).toList();
    }

    /** Removes every sandbox, every process and cgroup left by them, and the directory itself. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        for (RealSandbox s : sandboxes.reversed()) {
            try {
                s.close();
            } catch (IOException | RuntimeException e) {
                first = keep(first, e);
            }
        }
        try {
            killStragglers();
        } catch (IOException e) {
            first = keep(first, e);
        }
        for (RealSandbox s : sandboxes) {
            removeCgroups(s.cgroupsPath());
        }
        try {
            ScratchDir.deleteTree(base);
        } catch (IOException e) {
            first = keep(first, e);
        }
        if (first != null) {
            throw first;
        }
    }

    private static IOException keep(IOException first, Exception e) {
        IOException io = e instanceof IOException x ? x : new IOException(e.getMessage(), e);
        if (first == null) {
            return io;
        }
        first.addSuppressed(io);
        return first;
    }

    /** SIGKILLs the gofers and sandboxes that still run with this root (a create that timed out). */
    private void killStragglers() throws IOException {
        String flag = "--root=" + root;
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(flag)).orElse(false))
                .toList();
        for (ProcessHandle p : left) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : left) {
            try {
                p.onExit().get(RealRunsc.KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for process " + p.pid() + " of " + root, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("process " + p.pid() + " with " + flag + " survived SIGKILL for "
                        + RealRunsc.KILL_GRACE.toSeconds() + " s", e);
            }
        }
    }

    /** Best effort: runsc delete removes them; this only catches what a failed delete left. */
    private static void removeCgroups(String cgroupsPath) {
        Path cgroups = Path.of("/sys/fs/cgroup");
        String name = cgroupsPath.substring(1);
        List<Path> candidates = new ArrayList<>();
        candidates.add(cgroups.resolve(name));
        try (DirectoryStream<Path> controllers = Files.newDirectoryStream(cgroups)) {
            for (Path c : controllers) {
                candidates.add(c.resolve(name));
            }
        } catch (IOException e) {
            return;
        }
        for (Path c : candidates) {
            try {
                if (Files.isDirectory(c)) {
                    Files.delete(c);
                }
            } catch (IOException e) {
                // still in use or not ours to remove: nothing more a test fixture can do
            }
        }
    }

    @Override
    public String toString() {
        return "RealRoot[" + root + "]";
    }
}
