// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import runsc.metrics.runtime.MetricServerAddress;
import runsc.metrics.runtime.RuntimeRoot;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.server.config.SocketAccess;
import runsc.metrics.server.config.TlsSettings;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.Router;
import runsc.metrics.server.http.tcp.TcpHttpServer;
import runsc.metrics.server.http.tls.TlsContext;
import runsc.metrics.server.http.tls.TlsSetupException;
import runsc.metrics.server.http.unix.UnixHttpServer;

/**
 * A running metric server: root check, listener (TCP or Unix socket), PID file, the 20 s background
 * refresh, and an orderly shutdown (exposition-server-cli.md §4.2, §4.8). While shutting down the
 * healthcheck and pid endpoints answer 503; the socket file and PID file are removed, then the
 * listener closes after in-flight requests end.
 */
public final class MetricServer implements AutoCloseable {
    private final ServerConfig config;
    private final SandboxDiscovery discovery;
    private final Consumer<String> log;
    private final Consumer<String> notices;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Optional<Path> pidFile;
    private Closeable listener;
    private String boundAddress;
    private String tlsNote = "";
    private boolean allInterfaces;
    private Thread refresher;

    private MetricServer(ServerConfig config, SandboxDiscovery discovery, Optional<Path> pidFile, Consumer<String> log,
                         Consumer<String> notices) {
        this.config = config;
        this.discovery = discovery;
        this.pidFile = pidFile;
        this.log = log;
        this.notices = notices;
    }

    /**
     * Starts a server whose sandboxes are queried over their control sockets.
     *
     * @param config           the settings; {@code address} not yet substituted
     * @param pidFile          where to write the PID, if anywhere
     * @param allowUnknownRoot start even if the root cannot be listed
     * @param log              one line per event
     * @param query            how to ask a sandbox for its metrics
     * @return the running server
     * @throws ServerStartException with upstream's message when the root, listener or PID file fails
     */
    public static MetricServer start(ServerConfig config, Optional<Path> pidFile, boolean allowUnknownRoot,
                                     Consumer<String> log, SandboxQuery query) throws ServerStartException {
        return start(config, SocketAccess.UPSTREAM, pidFile, allowUnknownRoot, log, log, query);
    }

    /**
     * Starts a server whose sandboxes are queried over their control sockets, with a separate sink for
     * the lines an operator needs without debugging (as node_exporter prints them): problems that are
     * not a single sandbox's, such as a root directory that cannot be listed, a failed background
     * refresh or a PID file that cannot be removed, each once per change; and the Unix socket's mode,
     * group and allow-list.
     *
     * @param config           the settings; {@code address} not yet substituted
     * @param access           the Unix socket's mode, group and allow-list (not applicable to TCP)
     * @param pidFile          where to write the PID, if anywhere
     * @param allowUnknownRoot start even if the root cannot be listed
     * @param log              the debug log, one line per event
     * @param notices          problems beyond one sandbox, and the start-up line
     * @param query            how to ask a sandbox for its metrics
     * @return the running server; its first discovery refresh runs in the background and ends with
     *     the start-up line in {@code notices}
     * @throws ServerStartException with upstream's message when the root, listener or PID file
     *     fails, or when {@code access} is not upstream's and the address is not a Unix socket; when
     *     the config's TLS files cannot be used (the message names the file and the problem) or TLS
     *     is asked for on a Unix socket
     */
    public static MetricServer start(ServerConfig config, SocketAccess access, Optional<Path> pidFile,
                                     boolean allowUnknownRoot, Consumer<String> log, Consumer<String> notices,
                                     SandboxQuery query) throws ServerStartException {
        if (config.address().isEmpty()) {
            throw new ServerStartException("config does not specify the metric server address (--metric-server)", null);
        }
        if (!allowUnknownRoot) {
            try {
                new RuntimeRoot(config.root()).listSandboxes();
            } catch (IOException e) {
                throw new ServerStartException("invalid root directory \"" + config.rootText()
                        + "\": tried to list all entries within it and got: " + goError(config.rootText(), e), e);
            }
        }
        long startNanos = System.nanoTime();
        Clock clock = Clock.systemDefaultZone();
        Instant startTime = clock.instant();
        ServerConfig substituted = config.withAddress(MetricServerAddress.substitute(config.address(), config.rootText()));
        SandboxDiscovery discovery = new SandboxDiscovery(substituted, clock, log, notices);
        MetricServer server = new MetricServer(substituted, discovery, pidFile, log, notices);
        Scraper scraper = new Scraper(substituted, query, log);
        ScrapeBodyWriter body = new ScrapeBodyWriter(substituted, discovery, scraper, clock, startNanos, startTime);
        // The state files seen but not served join the listing once discovery records them.
        Router router = new Router(substituted, body, new DiscoveryListing(discovery, () -> DiscoveryListing.notServed(discovery.seen())),
                server.shuttingDown::get, log);
        server.listen(substituted.address(), substituted.limits(), access, substituted.tls(), router);
        if (pidFile.isPresent()) {
            try {
                writePidFile(pidFile.get());
            } catch (IOException e) {
                server.close();
                throw new ServerStartException("cannot write PID to file \"" + pidFile.get() + "\": "
                        + goError(pidFile.get().toString(), e), e);
            }
        }
        server.refresher = Thread.ofVirtual().name("refresh").start(server::refreshLoop);
        return server;
    }

    private void listen(String address, TransportLimits limits, SocketAccess access, Optional<TlsSettings> tlsSettings,
                        Router router) throws ServerStartException {
        Optional<ServerSocketChannel> inherited;
        try {
            inherited = SocketActivation.inherited(address);
        } catch (IOException e) {
            throw new ServerStartException(e.getMessage(), e);
        }
        if (address.startsWith("/")) {
            if (tlsSettings.isPresent()) {
                throw new ServerStartException("cannot listen on unix domain socket \"" + address + "\": the TLS flags "
                        + "apply to a TCP address only", null);
            }
            try {
                listener = inherited.isPresent()
                        ? UnixHttpServer.adopt(inherited.get(), limits, access, router, log)
                        : UnixHttpServer.start(Path.of(address), limits, access, router, log);
            } catch (IOException e) {
                // The transport names the socket itself in most of its errors; do not say it twice.
                String prefix = "cannot listen on unix domain socket \"" + address + "\": ";
                String message = String.valueOf(e.getMessage());
                throw new ServerStartException(message.startsWith(prefix) ? message : prefix + message, e);
            }
            boundAddress = address;
            return;
        }
        if (!access.equals(SocketAccess.UPSTREAM)) {
            throw new ServerStartException("cannot listen on TCP address \"" + address + "\": the socket mode, "
                    + "group and allow-list flags apply to a Unix socket address only", null);
        }
        InetSocketAddress socketAddress;
        try {
            socketAddress = parseTcp(address);
        } catch (IOException e) {
            throw new ServerStartException("cannot listen on TCP address \"" + address + "\": " + e.getMessage(), e);
        }
        allInterfaces = socketAddress.getAddress().isAnyLocalAddress();
        Optional<TlsContext> tls = Optional.empty();
        if (tlsSettings.isPresent()) {
            try {
                tls = Optional.of(TlsContext.load(tlsSettings.get(), notices));
            } catch (TlsSetupException e) {
                throw new ServerStartException(e.getMessage(), e);
            }
            tlsNote = switch (tlsSettings.get().clientAuth()) {
                case NONE -> " with TLS";
                case OPTIONAL -> " with TLS (client certificates verified if given)";
                case REQUIRED -> " with TLS (client certificates required)";
            };
        }
        try {
            TcpHttpServer tcp = TcpHttpServer.start(socketAddress, limits, router, tls, log);
            listener = tcp;
            InetAddress bound = tcp.address().getAddress();
            // Go's host:port form: an IPv6 host in brackets, so the port stays apart.
            String host = bound instanceof java.net.Inet6Address ? "[" + bound.getHostAddress() + "]" : bound.getHostAddress();
            boundAddress = host + ":" + tcp.address().getPort();
        } catch (IOException e) {
            throw new ServerStartException("cannot listen on TCP address \"" + address + "\": " + tcpBindReason(e), e);
        }
    }

    /**
     * Why binding failed, without the transport's own {@code cannot listen on ...} prefix (this
     * method's caller names the address as given), and with a hint when the port is taken.
     */
    static String tcpBindReason(IOException e) {
        Throwable reason = String.valueOf(e.getMessage()).startsWith("cannot listen on TCP address ")
                && e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(reason.getMessage());
        if (reason instanceof java.net.BindException && message.toLowerCase(java.util.Locale.ROOT).contains("in use")) {
            return message + " (another program listens on that port: another metric server started with the "
                    + "same --metric-server, perhaps; choose another port or stop it)";
        }
        return message;
    }

    /** Parses Go's {@code host:port}, {@code :port} and {@code [v6]:port} forms. */
    static InetSocketAddress parseTcp(String address) throws IOException {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IOException("address " + address + ": missing port in address");
        }
        String host = address.substring(0, colon);
        String portText = address.substring(colon + 1);
        int port;
        try {
            // As Go's net.Listen: an empty port means "pick one", like 0.
            port = portText.isEmpty() ? 0 : Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IOException("address " + address + ": invalid port \"" + portText + "\"");
        }
        if (port < 0 || port > 65535) {
            throw new IOException("address " + address + ": invalid port " + port);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IOException("address " + address + ": too many colons in address");
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /**
     * The text Go's {@code os} package gives for the usual file errors ({@code open P: no such file
     * or directory}), so start-up errors read as upstream's; other errors keep the JDK's message.
     * The cause may be wrapped once (the root listing names the root itself).
     */
    static String goError(String path, IOException e) {
        IOException cause = e.getCause() instanceof IOException io && !(e instanceof java.nio.file.FileSystemException) ? io : e;
        return switch (cause) {
            case NoSuchFileException _ -> "open " + path + ": no such file or directory";
            case AccessDeniedException _ -> "open " + path + ": permission denied";
            // Opening a file as a directory succeeds in Go; reading its entries fails.
            case java.nio.file.NotDirectoryException _ -> "readdirent " + path + ": not a directory";
            default -> String.valueOf(e.getMessage());
        };
    }

    /** Writes the PID in decimal without a newline, mode 0644, as upstream. */
    private static void writePidFile(Path file) throws IOException {
        Files.writeString(file, Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /**
     * Refreshes at once, says what it found in the start-up line (node_exporter prints one too, and
     * without it a server that serves nothing looks the same as one that works), then every
     * refresh interval. The first refresh runs here, not in {@link #start}, so that start-up and
     * shutdown never wait for discovery.
     */
    private void refreshLoop() {
        try {
            discovery.refresh();
        } catch (RuntimeException e) {
            log.accept("first refresh failed: " + e);
        }
        if (!shuttingDown.get()) {
            notices.accept("metric server listening on " + boundAddress + tlsNote + " (root \"" + config.rootText() + "\"): serving "
                    + discovery.servedCount() + " of " + discovery.seen().size() + " sandboxes found");
        }
        try {
            while (!stopped.await(config.refreshInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    discovery.refresh();
                } catch (RuntimeException e) {
                    // A bug triggered by one odd state file must not end discovery for good.
                    notices.accept("background refresh failed: " + e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * How many sandboxes the server serves now (as of the last refresh, by a scrape or the background loop).
     *
     * @return the count
     */
    public int servedSandboxes() {
        return discovery.servedCount();
    }

    /** Where the server listens: the socket path, or {@code ip:port} with the port actually bound. */
    public String boundAddress() {
        return boundAddress;
    }

    /** True if the server listens on every interface (a {@code :port} address), which upstream warns about. */
    public boolean bindsAllInterfaces() {
        return allInterfaces;
    }

    /**
     * Waits until {@link #close()} has finished, or the timeout has passed.
     *
     * @param timeout how long to wait at most
     * @return true if the server has stopped
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until {@link #close()} has finished. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * How long shutdown waits for requests in progress beyond the scrape deadline: time to send a
     * scrape's response once it has been gathered.
     */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    /**
     * How long {@link #close()} takes at most: the scrape deadline plus {@link #SHUTDOWN_GRACE}
     * (35 s with upstream's 30 s deadline). Past it, requests still running are left behind; the
     * command line then exits anyway.
     *
     * @return the bound
     */
    public Duration shutdownLimit() {
        return config.scrapeDeadline().plus(SHUTDOWN_GRACE);
    }

    /**
     * Shuts down (idempotent): 503 on health and pid, files removed, then the listener drained and
     * closed, all within {@link #shutdownLimit()} whatever discovery or a request is doing. The
     * socket file goes first, as the listener's close begins, so it is never left behind.
     */
    @Override
    public void close() {
        if (!shuttingDown.compareAndSet(false, true)) {
            return;
        }
        discovery.shutDown();
        pidFile.ifPresent(f -> {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                notices.accept("cannot remove PID file \"" + f + "\": " + e.getMessage());
            }
        });
        if (listener != null) {
            closeListenerWithin(shutdownLimit());
        }
        stopped.countDown();
        if (refresher != null) {
            refresher.interrupt();
        }
    }

    /**
     * Closes the listener on a thread of its own and waits for it at most {@code limit}: the
     * transports wait up to their own write timeouts (60 s) for requests in progress, and a request
     * stuck anywhere must not keep the server from stopping.
     */
    private void closeListenerWithin(Duration limit) {
        Closeable l = listener;
        Thread closer = Thread.ofPlatform().daemon().name("close-listener").start(() -> {
            try {
                l.close();
            } catch (IOException e) {
                notices.accept("closing the listener: " + e.getMessage());
            }
        });
        try {
            if (!closer.join(limit)) {
                notices.accept("stopping with requests still running after " + limit.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
