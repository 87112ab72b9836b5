// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import runsc.metrics.server.config.SocketAccess;
import runsc.metrics.server.config.TransportLimits;

/**
 * A listening UNIX stream socket that owns its socket file and serves each connection on its own
 * virtual thread. It knows nothing about HTTP: a {@link ConnectionHandler} speaks the protocol.
 *
 * <p>Binding checks the path length first, replaces a stale socket file left by a dead server (a
 * connect to it is refused), refuses to take over a live one, and gives the socket the mode and group
 * of its {@link SocketAccess} ({@code rwxrwxrwx} by default, as upstream does). A connection whose
 * peer ({@code SO_PEERCRED}) the access allow-list does not name is answered 403 and closed; root is
 * always allowed. Since anyone may connect, the cap on connections is shared out per peer user
 * ({@link ConnectionCap}). Closing deletes the socket file if it is still ours.
 * Deadlines are enforced by closing the channel from a timer, which fails any blocked read or write.
 */
final class UnixSocketServer implements Closeable {
    /**
     * Longest socket path in bytes. The kernel's {@code sun_path} has 108 bytes and Go accepts 107
     * plus the NUL; the JDK rejects 107 ("Unix domain path too long"), so 106 is the real limit.
     */
    static final int MAX_PATH_BYTES = 106;
    /** Pending connections the kernel queues before accept. */
    static final int BACKLOG = 128;
    /** How long the over-cap answer may take to write. */
    static final Duration REJECT_TIMEOUT = Duration.ofSeconds(1);
    /** How long a refusal waits for the peer's request head before answering anyway. */
    static final Duration REFUSAL_GRACE = Duration.ofMillis(500);
    /** The most of a refused peer's request that is read while waiting for its end. */
    private static final int REFUSAL_READ_BYTES = 16 * 1024;
    private static final Duration REFUSAL_POLL = Duration.ofMillis(10);
    /** Refusals answered at once; connections refused beyond them are closed without an answer. */
    static final int MAX_REFUSALS_IN_FLIGHT = 64;
    /** Pause after a failed accept (for example out of file descriptors) so the loop cannot spin. */
    static final Duration ACCEPT_BACKOFF = Duration.ofMillis(50);

    /** Speaks the protocol on one connection. */
    interface ConnectionHandler {
        /**
         * Serves a connection until it ends; the server closes it afterwards.
         *
         * @param in the input
         * @param out the output
         * @param control deadlines and shutdown state
         * @throws IOException if the connection fails
         */
        void serve(InputStream in, OutputStream out, ConnectionControl control) throws IOException;

        /**
         * Answers a connection over the cap before it is closed.
         *
         * @param out the output
         * @param reason which bound it met, such as {@code too many connections (limit 64)}
         * @throws IOException if the peer is gone
         */
        void reject(OutputStream out, String reason) throws IOException;

        /**
         * Answers a connection whose peer may not use the socket, before it is closed.
         *
         * @param out the output
         * @param reason why, naming the peer
         * @throws IOException if the peer is gone
         */
        void forbid(OutputStream out, String reason) throws IOException;

        /**
         * Whether a new connection from a client is refused as it is accepted, before any of its
         * bytes are read.
         *
         * @param client the client's name ({@code user NAME}; empty if unknown)
         * @return 0 to serve it; else the seconds it is refused for
         */
        default long refuseFor(String client) {
            return 0;
        }

        /**
         * The whole answer to a connection refused at accept.
         *
         * @param refusedFor the seconds the client is refused for
         * @return the bytes to write before closing it
         */
        default byte[] refusal(long refusedFor) {
            return new byte[0];
        }
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Object fileKey;
    private final ConnectionHandler handler;
    private final Duration drainTimeout;
    private final ConnectionCap cap;
    private final SocketAccess access;
    private final UserPrincipal root;
    private final Consumer<String> log;
    private final ScheduledThreadPoolExecutor timer;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Semaphore refusals = new Semaphore(MAX_REFUSALS_IN_FLIGHT);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptor;
    private volatile boolean closing;

    private UnixSocketServer(Path path, ServerSocketChannel server, Object fileKey, ConnectionHandler handler,
                             TransportLimits limits, SocketAccess access, Duration drainTimeout, Consumer<String> log) {
        this.root = rootUser(log);
        this.cap = new ConnectionCap(limits.maxConnections(), limits.maxConnectionsPerUser(), limits.reservedForRoot(),
                root);
        this.access = access;
        this.path = path;
        this.server = server;
        this.fileKey = fileKey;
        this.handler = handler;
        this.drainTimeout = drainTimeout;
        this.log = log;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "runsc-metrics-uds-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.acceptor = Thread.ofVirtual().name("runsc-metrics-uds-accept").unstarted(this::acceptLoop);
    }

    /**
     * Binds the socket and starts accepting.
     *
     * @param path the socket path
     * @param handler speaks the protocol
     * @param limits the connection cap, in all and per peer user
     * @param access the socket's mode and group, and who may connect
     * @param drainTimeout how long {@link #close()} waits for busy connections
     * @param log receives one line per notable event
     * @return the running server
     * @throws IOException with a message naming the path if the socket cannot be bound
     */
    static UnixSocketServer bind(Path path, ConnectionHandler handler, TransportLimits limits, SocketAccess access,
                                 Duration drainTimeout, Consumer<String> log) throws IOException {
        checkLength(path);
        removeStale(path, log);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Object key;
        try {
            channel.bind(UnixDomainSocketAddress.of(path), BACKLOG);
        } catch (IOException e) {
            channel.close();
            throw new IOException(cannotListen(path, String.valueOf(e.getMessage())), e);
        }
        String modeText = "0" + Integer.toOctalString(access.mode());
        try {
            // Following links, as upstream's chmod: without it the JDK opens the file to change it,
            // and a socket cannot be opened (ENXIO). The path was bound by this process a moment ago.
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            // The group first: until the mode is set, the socket has the process umask's mode.
            if (access.group().isPresent()) {
                try {
                    view.setGroup(access.group().get());
                } catch (IOException e) {
                    throw new IOException("cannot set its group to " + access.group().get().getName() + ": "
                            + e.getMessage(), e);
                }
            }
            try {
                view.setPermissions(permissions(access.mode()));
            } catch (IOException e) {
                throw new IOException("cannot set its mode to " + modeText + ": " + e.getMessage(), e);
            }
            key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(path);
            throw new IOException(cannotListen(path, e.getMessage()), e);
        }
        UnixSocketServer s = new UnixSocketServer(path, channel, key, handler, limits, access, drainTimeout, log);
        s.acceptor.start();
        return s;
    }

    /**
     * Starts accepting on a socket another process bound and listens on (systemd's socket
     * activation). Its mode and its file are that process's: closing leaves the file in place, so
     * systemd can hand the same socket to the next start.
     *
     * @param channel a bound, listening Unix socket
     * @param handler speaks the protocol
     * @param limits the connection cap, in all and per peer user
     * @param access who may connect; its mode and group are not applied (the socket's binder set them)
     * @param drainTimeout how long {@link #close()} waits for busy connections
     * @param log receives one line per notable event
     * @return the running server
     * @throws IOException if the channel is not a bound Unix socket
     */
    static UnixSocketServer adopt(ServerSocketChannel channel, ConnectionHandler handler, TransportLimits limits,
                                  SocketAccess access, Duration drainTimeout, Consumer<String> log) throws IOException {
        if (!(channel.getLocalAddress() instanceof UnixDomainSocketAddress address)) {
            throw new IOException("not a bound Unix socket: " + channel.getLocalAddress());
        }
        channel.configureBlocking(true);
        UnixSocketServer s = new UnixSocketServer(address.getPath(), channel, null, handler, limits, access,
                drainTimeout, log);
        s.acceptor.start();
        return s;
    }

    /**
     * Returns the socket path.
     *
     * @return the path bound
     */
    Path path() {
        return path;
    }

    private static String cannotListen(Path path, String reason) {
        return "cannot listen on unix domain socket \"" + path + "\": " + reason;
    }

    private static void checkLength(Path path) throws IOException {
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new IOException(cannotListen(path, "the path is " + bytes + " bytes long, the limit is "
                    + MAX_PATH_BYTES + " bytes (sun_path holds 108 bytes); use a shorter path"));
        }
    }

    /** Deletes a socket file nobody listens on; fails if the path is live or not a socket. */
    private static void removeStale(Path path, Consumer<String> log) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new IOException(cannotListen(path, "the path exists and is not a socket"));
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Non-blocking: a live server accepts or queues us at once, and a full backlog must not
            // make the probe wait.
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new IOException(cannotListen(path, "another server is listening on it (address already in use)"));
        } catch (ConnectException e) {
            log.accept("unix socket: removing stale socket file " + path + " (connection refused)");
            Files.deleteIfExists(path);
        } catch (NoSuchFileException e) {
            // Gone in between: nothing to remove.
        }
    }

    /** The user whose connections are never refused for the sake of others: root, if the system knows it. */
    private static UserPrincipal rootUser(Consumer<String> log) {
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("root");
        } catch (IOException e) {
            log.accept("unix socket: no user root (" + e.getMessage() + "): its connections count as any user's");
            return null;
        }
    }

    /** The permission bits of an octal mode. */
    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    /** The peer's user and group from {@code SO_PEERCRED}, or null if the kernel does not say. */
    private UnixDomainPrincipal peer(SocketChannel channel) {
        try {
            return channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            log.accept("unix socket: cannot read the peer's credentials: " + e.getMessage());
            return null;
        }
    }

    /**
     * Whether the access allow-list lets this peer in. Root always may; a peer the kernel does not
     * name may only when nobody is restricted.
     */
    private boolean allowed(UnixDomainPrincipal peer) {
        if (!access.restricted()) {
            return true;
        }
        if (peer == null) {
            return false;
        }
        return root != null && root.equals(peer.user()) || access.allows(peer.user(), peer.group());
    }

    private static boolean isSocket(Path path) throws IOException {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        }
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (closing || !server.isOpen()) {
                    return;
                }
                log.accept("unix socket: accept on " + path + " failed: " + e.getMessage());
                try {
                    Thread.sleep(ACCEPT_BACKOFF);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            UnixDomainPrincipal peer = peer(channel);
            UserPrincipal user = peer == null ? null : peer.user();
            Connection c = new Connection(channel, user);
            if (!allowed(peer)) {
                String who = peer == null ? "a peer whose credentials are unknown"
                        : "user " + peer.user().getName() + " (group " + peer.group().getName() + ")";
                log.accept("unix socket: forbidden: " + who + " is not allowed to use " + path);
                refuse(c, "runsc-metrics-uds-forbid", () -> c.forbid(who + " is not allowed to use this socket"));
                continue;
            }
            long refusedFor = handler.refuseFor(clientName(user));
            if (refusedFor > 0) {
                refuseAtAccept(channel, refusedFor);
                continue;
            }
            ConnectionCap.Admission admission = cap.admit(user);
            if (admission != ConnectionCap.Admission.ADMITTED) {
                String reason = cap.reason(admission, user);
                refuse(c, "runsc-metrics-uds-reject", () -> c.reject(reason));
                continue;
            }
            c.thread = Thread.ofVirtual().name("runsc-metrics-uds-conn").unstarted(c::run);
            connections.add(c);
            if (closing) {
                c.close();
            }
            c.thread.start();
        }
    }

    /** How connections and requests of a peer user are named: {@code user NAME}, or empty if the kernel does not say. */
    static String clientName(UserPrincipal user) {
        return user == null ? "" : "user " + user.getName();
    }

    /**
     * Answers a client whose refused requests used up its budget, on the accept thread, without
     * reading from it and without a slot of the cap: the answer is a few hundred bytes, which a new
     * connection's empty send buffer takes without blocking. Bytes the client has already sent
     * stay unread; over a Unix socket it still reads the answer before it sees the close.
     */
    private void refuseAtAccept(SocketChannel channel, long refusedFor) {
        try (channel) {
            ByteBuffer answer = ByteBuffer.wrap(handler.refusal(refusedFor));
            while (answer.hasRemaining()) {
                channel.write(answer);
            }
            channel.shutdownOutput();
        } catch (IOException e) {
            // The client is gone already: nothing to answer.
        }
    }

    /** Answers a refused connection on a thread of its own, or closes it unanswered beyond {@link #MAX_REFUSALS_IN_FLIGHT}. */
    private void refuse(Connection c, String threadName, Runnable answer) {
        if (!refusals.tryAcquire()) {
            c.close();
            return;
        }
        Thread.ofVirtual().name(threadName).start(() -> {
            try {
                answer.run();
            } finally {
                refusals.release();
            }
        });
    }

    /**
     * Stops accepting, deletes the socket file if it is still ours, closes idle connections, waits
     * up to the drain timeout for busy ones to finish their response, then closes the rest.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        closeQuietly(server);
        deleteOwnedSocket();
        for (Connection c : connections) {
            if (c.idle) {
                c.close();
            }
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (Connection c : connections) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !c.thread.join(Duration.ofNanos(left))) {
                    c.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.close();
            }
        }
        for (Connection c : connections) {
            c.close();
        }
        try {
            acceptor.join(drainTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
    }

    private void deleteOwnedSocket() {
        if (fileKey == null) {
            return; // adopted: the socket file is its binder's
        }
        try {
            Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(now, fileKey)) {
                Files.delete(path);
            } else {
                log.accept("unix socket: not removing " + path + ": another server replaced it");
            }
        } catch (NoSuchFileException e) {
            // Already gone.
        } catch (IOException e) {
            log.accept("Cannot remove UDS at " + path + ": " + e.getMessage());
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Closing is best effort: the descriptor is released either way.
        }
    }

    /** Writes a refusal. */
    @FunctionalInterface
    private interface Answer {
        void write(OutputStream out) throws IOException;
    }

    /** One accepted connection and its deadline. */
    private final class Connection implements ConnectionControl {
        private final SocketChannel channel;
        private final UserPrincipal user;
        private ScheduledFuture<?> deadline;
        private volatile boolean idle;
        private Thread thread;

        Connection(SocketChannel channel, UserPrincipal user) {
            this.channel = channel;
            this.user = user;
        }

        void run() {
            try {
                handler.serve(Channels.newInputStream(channel), Channels.newOutputStream(channel), this);
            } catch (IOException e) {
                // The peer left, or a deadline closed the channel: there is nobody to answer.
                log.accept("unix socket: connection ended: " + e);
            } catch (RuntimeException e) {
                log.accept("unix socket: connection failed: " + e);
            } finally {
                cancelDeadline();
                close();
                connections.remove(this);
                cap.release(user);
            }
        }

        void reject(String reason) {
            log.accept("unix socket: refusing a connection: " + reason);
            refuse("a connection over the cap", out -> handler.reject(out, reason));
        }

        void forbid(String reason) {
            refuse("a forbidden connection", out -> handler.forbid(out, reason));
        }

        /** Answers a refused connection once its request head is in (see {@link #awaitRequestHead}), then closes it. */
        private void refuse(String what, Answer answer) {
            try {
                arm(REJECT_TIMEOUT);
                awaitRequestHead();
                answer.write(Channels.newOutputStream(channel));
            } catch (IOException e) {
                log.accept("unix socket: cannot answer " + what + ": " + e.getMessage());
            } finally {
                cancelDeadline();
                close();
            }
        }

        /**
         * Waits, at most {@link #REFUSAL_GRACE}, for the end of the peer's request head (reading at
         * most {@link #REFUSAL_READ_BYTES}), so that a refusal comes after the request, as clients
         * expect: curl, still checking its connect when an answer and a close arrive first, reports
         * that it could not connect instead of the answer. A peer that sends nothing is answered
         * when the grace ends.
         */
        private void awaitRequestHead() throws IOException {
            long end = System.nanoTime() + REFUSAL_GRACE.toNanos();
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            int tail = 0; // the last four bytes read
            channel.configureBlocking(false);
            try {
                for (int total = 0; total < REFUSAL_READ_BYTES && System.nanoTime() - end < 0; ) {
                    int n = channel.read(buffer.clear());
                    if (n < 0) {
                        return;
                    }
                    if (n == 0) {
                        Thread.sleep(REFUSAL_POLL);
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        tail = tail << 8 | buffer.get(i) & 0xff;
                        if (tail == 0x0d0a0d0a || (tail & 0xffff) == 0x0a0a) {
                            return;
                        }
                    }
                    total += n;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                channel.configureBlocking(true);
            }
        }

        @Override
        public synchronized void arm(Duration timeout) {
            if (deadline != null) {
                deadline.cancel(false);
            }
            try {
                deadline = timer.schedule(this::close, timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // The server has shut its timer down: no phase may start any more.
                close();
            }
        }

        private synchronized void cancelDeadline() {
            if (deadline != null) {
                deadline.cancel(false);
            }
        }

        @Override
        public String client() {
            return clientName(user);
        }

        @Override
        public void idle(boolean idle) {
            this.idle = idle;
            if (idle && closing) {
                close();
            }
        }

        @Override
        public boolean closing() {
            return closing;
        }

        void close() {
            closeQuietly(channel);
        }
    }
}
