// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real gVisor sandbox running {@code sleep 3600} on the host's root file system (read-only,
 * {@code --network=none}), made by {@link RealRoot#start(SandboxSpec)}. Closing it runs
 * {@code runsc kill ID KILL} and {@code runsc delete --force ID}; closing its root does that too.
 */
public final class RealSandbox implements AutoCloseable {
    private static final Pattern PID = Pattern.compile("\"pid\":(\\d+)");
    /** How long the control socket may take to answer the liveness call of {@link #answerProblem()}. */
    static final Duration ANSWER_DEADLINE = Duration.ofSeconds(10);
    private static final Pattern STATUS = Pattern.compile("\"status\":\"(\\w+)\"");

    private final RealRoot root;
    private final SandboxSpec spec;
    private final Path bundle;
    private final String cgroupsPath;
    private Duration createTime = Duration.ZERO;
    private Duration startTime = Duration.ZERO;
    private boolean closed;

    RealSandbox(RealRoot root, SandboxSpec spec, Path bundle, String cgroupsPath) {
        this.root = root;
        this.spec = spec;
        this.bundle = bundle;
        this.cgroupsPath = cgroupsPath;
    }

    /** The sandbox ID. */
    public String id() {
        return spec.id();
    }

    /** What the sandbox was made from. */
    public SandboxSpec spec() {
        return spec;
    }

    /** The runsc root directory it lives in. */
    public Path root() {
        return root.path();
    }

    /** Its OCI bundle directory ({@code config.json}, and the output of create and start). */
    public Path bundle() {
        return bundle;
    }

    /** The {@code --metric-server} value it was created with, as recorded in its state file. */
    public String metricServerAddress() {
        return spec.metricServerAddress().orElseGet(root::metricServerAddress);
    }

    /**
     * The ID of the sandbox this container runs in: its own, or for a second container of a pod the
     * one its CRI annotation {@code io.kubernetes.cri.sandbox-id} names.
     */
    public String sandboxId() {
        return spec.annotations().getOrDefault("io.kubernetes.cri.sandbox-id", id());
    }

    /** {@code ROOT/ID_sandbox:SANDBOX.state}: the container's state file. */
    public Path stateFile() {
        return root().resolve(id() + "_sandbox:" + sandboxId() + ".state");
    }

    /** {@code ROOT/ID_sandbox:SANDBOX.lock}: the {@code flock(2)} target for the state file. */
    public Path lockFile() {
        return root().resolve(id() + "_sandbox:" + sandboxId() + ".lock");
    }

    /** {@code ROOT/runsc-SANDBOX.sock}: the control socket (runsc binds it in the root first). */
    public Path controlSocket() {
        return root().resolve("runsc-" + sandboxId() + ".sock");
    }

    /** The cgroup path given in {@code config.json}, unique to this root. */
    public String cgroupsPath() {
        return cgroupsPath;
    }

    /** How long {@code runsc create} took. */
    public Duration createTime() {
        return createTime;
    }

    /** How long {@code runsc start} took (zero if not started). */
    public Duration startTime() {
        return startTime;
    }

    /** The state file's text as runsc last wrote it. */
    public String readState() throws IOException {
        return Files.readString(stateFile());
    }

    /** The sandbox process ID from the state file ({@code sandbox.pid}, the only {@code "pid"} key). */
    public long pid() throws IOException {
        return Long.parseLong(single(PID, "pid"));
    }

    /** The container status from the state file: {@code created}, {@code running}, {@code stopped}. */
    public String status() throws IOException {
        return single(STATUS, "status");
    }

    private String single(Pattern key, String name) throws IOException {
        String state = readState();
        Matcher m = key.matcher(state);
        if (!m.find()) {
            throw new IOException("state file " + stateFile() + " has no \"" + name + "\"");
        }
        String value = m.group(1);
        if (m.find()) {
            throw new IOException("state file " + stateFile() + " has more than one \"" + name + "\"");
        }
        return value;
    }

    /**
     * SIGKILLs the sandbox process, as a crash would, and waits until it is gone. Its state file
     * (still {@code running}), lock file and control socket stay behind; connecting to the socket
     * is then refused. {@link #close()} still removes everything.
     */
    public void killSandboxProcess() throws IOException {
        long pid = pid();
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            throw new IOException("sandbox " + id() + ": process " + pid + " is not running");
        }
        process.get().destroyForcibly();
        try {
            process.get().onExit().get(RealRunsc.KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for sandbox " + id() + " to die", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("sandbox " + id() + ": process " + pid + " survived SIGKILL for "
                    + RealRunsc.KILL_GRACE.toSeconds() + " s", e);
        }
    }

    void create() throws IOException {
        Files.writeString(bundle.resolve("config.json"), spec.configJson(cgroupsPath));
        long t0 = System.nanoTime();
        ProcResult created = RealRunsc.run(
                List.of("--root=" + root(), "--network=none", "--metric-server=" + metricServerAddress(),
                        "create", "--bundle", bundle.toString(), id()),
                bundle.resolve("create.out"), bundle.resolve("create.err"), RealRunsc.COMMAND_DEADLINE);
        createTime = Duration.ofNanos(System.nanoTime() - t0);
        if (created.exitCode() != 0) {
            throw new IOException("sandbox " + id() + ": " + created.describe());
        }
    }

    void start() throws IOException {
        long t0 = System.nanoTime();
        ProcResult started = RealRunsc.run(
                List.of("--root=" + root(), "--network=none", "--metric-server=" + metricServerAddress(),
                        "start", id()),
                bundle.resolve("start.out"), bundle.resolve("start.err"), RealRunsc.COMMAND_DEADLINE);
        startTime = Duration.ofNanos(System.nanoTime() - t0);
        if (started.exitCode() != 0) {
            throw new IOException("sandbox " + id() + ": " + started.describe());
        }
    }

    /**
     * Why this sandbox is not fit for a test, or empty when it is: its process must be alive and its
     * control socket must answer urpc's {@code containerManager.ContainerRuntimeState} (the call
     * {@code runsc} itself makes first) with success within {@link #ANSWER_DEADLINE}.
     */
    Optional<String> answerProblem() throws IOException {
        long pid = pid();
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return Optional.of("sandbox process " + pid + " is not running");
        }
        byte[] request = ("{\"method\":\"containerManager.ContainerRuntimeState\",\"arg\":\"" + id() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer reply = ByteBuffer.allocate(4096);
        long end = System.nanoTime() + ANSWER_DEADLINE.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(controlSocket()));
            channel.write(ByteBuffer.wrap(request));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            // urpc frames nothing: the reply is one small JSON object, complete at its closing brace.
            while (reply.position() == 0 || reply.get(reply.position() - 1) != '}') {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0 || !reply.hasRemaining()) {
                    return Optional.of("control socket " + controlSocket() + " gave no complete reply within "
                            + ANSWER_DEADLINE.toMillis() + " ms: " + text(reply));
                }
                selector.select(left);
                if (channel.read(reply) < 0) {
                    return Optional.of("control socket " + controlSocket() + " closed the connection after: "
                            + text(reply));
                }
            }
        } catch (IOException e) {
            return Optional.of("control socket " + controlSocket() + ": " + e.getMessage());
        }
        String answer = text(reply);
        return answer.startsWith("{\"success\":true,") ? Optional.empty()
                : Optional.of("control socket " + controlSocket() + " answered " + answer);
    }

    private static String text(ByteBuffer buffer) {
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    /**
     * The last lines the sandbox and its runsc commands wrote (the sandbox keeps the create command's
     * stdio), for assertion messages when a sandbox stops answering.
     */
    public String diagnostics() {
        StringBuilder sb = new StringBuilder("sandbox " + id() + " output:");
        for (String name : List.of("create.out", "create.err", "start.err")) {
            try {
                List<String> lines = Files.readAllLines(bundle.resolve(name));
                sb.append("\n--- ").append(name).append(" (last 20 of ").append(lines.size()).append(" lines)\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
            } catch (IOException e) {
                sb.append("\n--- ").append(name).append(": ").append(e.getMessage());
            }
        }
        return sb.toString();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Removes the sandbox: {@code kill ID KILL} (fails harmlessly when it is already dead), then
     * {@code delete --force ID}, which also removes its state, lock, socket and cgroup.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (!Files.exists(stateFile())) {
            return;  // create never finished: RealRoot kills what it left
        }
        RealRunsc.run(List.of("--root=" + root(), "kill", id(), "KILL"));
        ProcResult deleted = RealRunsc.run(List.of("--root=" + root(), "delete", "--force", id()));
        if (deleted.exitCode() != 0) {
            throw new IOException("sandbox " + id() + " not removed: " + deleted.describe());
        }
    }

    @Override
    public String toString() {
        return "RealSandbox[" + id() + " in " + root() + "]";
    }
}
