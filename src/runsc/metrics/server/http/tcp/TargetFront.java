// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tcp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import javax.net.ssl.SSLSocket;
import runsc.metrics.server.config.TransportLimits;
import runsc.metrics.server.http.RefusalBudget;
import runsc.metrics.server.http.tls.TlsContext;

/**
 * Accepts the public TCP connections and relays each to the JDK's server on a loopback port,
 * rewriting request targets that server would refuse. The JDK parses every target with
 * {@link URI}, which rejects characters Go's server takes raw in a query and curl sends as typed
 * ({@code ^ | { } \ " < > `}, bytes 0x80 to 0x9F, a {@code %} without two hex digits); it answers
 * those with 400 before any handler runs, and {@code //metrics} or {@code *} with "No context
 * found". For such a request the front sends a percent-encoded
 * target the JDK accepts and the target as received in a header whose name is drawn at random per
 * server, so that a client cannot forge it; the adapter reads the target from there.
 *
 * <p>Everything else is relayed byte for byte: the JDK still parses, limits and times every
 * request. A head the front cannot delimit simply (larger than {@link #MAX_HEAD_BYTES}, a request
 * with {@code Transfer-Encoding}, an unparsable {@code Content-Length}) ends the rewriting for the
 * rest of its connection, which then goes to the JDK unchanged. Head lines ended by a bare LF
 * reach the JDK ended by CRLF. A head Go's server refuses and the JDK's would serve (an HTTP
 * version other than 1.x, a missing or repeated Host field) carries the refusal in a second
 * header of the same random name, which the adapter answers as the Unix socket does.
 *
 * <p>With TLS the front is where it ends: each connection's handshake runs on its relay thread
 * (never the accept thread) under the head deadline counted from the accept, and the relay to the
 * JDK's server is plain HTTP on loopback, so the rewriting above works the same on both. A
 * handshake that fails or runs out of time closes that connection and nothing else.
 *
 * <p>A client whose refused requests spent its budget ({@link RefusalBudget}) is answered on the
 * accept thread, before a slot of the cap is taken or a byte read: a 429 over plain HTTP, a close
 * under TLS. The JDK's server never sees such a connection.
 */
final class TargetFront implements Closeable {
    /** The largest head held for rewriting: above the JDK's own 384 KiB header limit. */
    static final int MAX_HEAD_BYTES = 512 * 1024;
    private static final int BUFFER_BYTES = 16 * 1024;
    /** How long closing waits for the accept thread to leave its accept call. */
    private static final Duration ACCEPTOR_EXIT = Duration.ofSeconds(5);

    private final ServerSocket listener;
    private final Thread acceptor;
    private final InetSocketAddress backend;
    /** The client of each relayed connection, by the local port of its connection to the JDK's server. */
    private final Map<Integer, String> clients = new ConcurrentHashMap<>();
    private final String targetHeader;
    private final TransportLimits limits;
    private final Semaphore slots;
    private final Consumer<String> log;
    private final Optional<TlsContext> tls;
    private final ToLongFunction<String> refuseFor;

    private TargetFront(ServerSocket listener, InetSocketAddress backend, TransportLimits limits, Optional<TlsContext> tls,
                        ToLongFunction<String> refuseFor, Consumer<String> log) {
        this.listener = listener;
        this.refuseFor = refuseFor;
        // A platform thread: closing a socket that a virtual thread waits on is completed only once
        // that thread runs again, and a closed server must refuse connections at once.
        this.acceptor = Thread.ofPlatform().daemon().name("runsc-metrics-tcp-accept").unstarted(this::acceptLoop);
        this.tls = tls;
        this.limits = limits;
        this.slots = new Semaphore(limits.maxConnections());
        this.backend = backend;
        this.log = log;
        byte[] token = new byte[12];
        new SecureRandom().nextBytes(token);
        this.targetHeader = "X-Runsc-Metrics-Target-" + HexFormat.of().formatHex(token);
    }

    /**
     * Listens on {@code address} and relays to {@code backend}.
     *
     * @param address the public address; port 0 picks a free port
     * @param backend the JDK server's loopback address
     * @param limits the head and idle deadlines, which the front applies while it holds a head, and
     *     the connection cap, which it applies in the order of its accepts
     * @param tls TLS to end on the public connections, or empty for plain HTTP
     * @param refuseFor for a client's IP address as text, 0 to serve its new connection, else the
     *     seconds it is refused for ({@link runsc.metrics.server.http.RequestHandler#refuseConnectionFor})
     * @param log receives one line per notable event
     * @return the running front
     * @throws IOException if binding fails
     */
    static TargetFront start(InetSocketAddress address, InetSocketAddress backend, TransportLimits limits,
                             Optional<TlsContext> tls, ToLongFunction<String> refuseFor, Consumer<String> log)
            throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(address);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        TargetFront front = new TargetFront(listener, backend, limits, tls, refuseFor, log);
        front.acceptor.start();
        return front;
    }

    /** The bound public address. */
    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /**
     * Names the client a relayed connection comes from.
     *
     * @param relayed the JDK server's peer: the loopback address of this front's connection to it
     * @return the client's IP address as text, or empty if the connection is not (or no longer) relayed
     */
    String clientOf(InetSocketAddress relayed) {
        return relayed == null || !relayed.getAddress().isLoopbackAddress() ? ""
                : clients.getOrDefault(relayed.getPort(), "");
    }

    /** The name of the header that carries a rewritten request's target as received. */
    String targetHeader() {
        return targetHeader;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                long accepted = System.nanoTime();
                long refusedFor = refuseFor.applyAsLong(client.getInetAddress().getHostAddress());
                if (refusedFor > 0) {
                    refuseAtAccept(client, refusedFor);
                    continue;
                }
                if (!slots.tryAcquire()) {
                    client.close(); // as the JDK's server does over its cap: no answer
                    continue;
                }
                Thread.ofVirtual().name("runsc-metrics-tcp-relay").start(() -> {
                    try {
                        relay(client, accepted);
                    } finally {
                        slots.release();
                    }
                });
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    log.accept("tcp: accept failed: " + e.getMessage());
                }
            }
        }
    }

    /**
     * Answers a client whose refused requests used up its budget, on the accept thread and without
     * reading from it: the 429 is a few hundred bytes, which a new connection's empty send buffer
     * takes without blocking. Under TLS there is no handshake to answer in, and plain text on a TLS
     * connection would be garbage to the client, so the connection is only closed. A client that has
     * already sent its request may see a reset instead of the answer (its unread bytes make the
     * close a reset); what matters is that its request costs nothing.
     */
    private void refuseAtAccept(Socket client, long refusedFor) {
        try (client) {
            if (tls.isEmpty()) {
                OutputStream out = client.getOutputStream();
                out.write(RefusalBudget.acceptRefusal(refusedFor));
                out.flush();
                client.shutdownOutput();
            }
        } catch (IOException e) {
            // The client is gone already: nothing to answer.
        }
    }

    private void relay(Socket accepted, long acceptedNanos) {
        Socket client;
        try {
            client = tls.isPresent() ? tls.get().handshake(accepted, acceptedNanos + limits.headerTimeout().toNanos()) : accepted;
        } catch (IOException e) {
            log.accept("tls: handshake with " + accepted.getRemoteSocketAddress() + " failed: " + e.getMessage());
            closeQuietly(accepted);
            return;
        }
        Socket server = new Socket();
        try {
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
            server.connect(backend);
            clients.put(server.getLocalPort(), accepted.getInetAddress().getHostAddress());
            Thread down = Thread.ofVirtual().name("runsc-metrics-tcp-relay-out").start(() -> copyBack(server, client, accepted));
            try {
                forwardRequests(client, acceptedNanos, new RelayInput(client.getInputStream(), BUFFER_BYTES),
                        new BufferedOutputStream(server.getOutputStream(), BUFFER_BYTES));
                server.shutdownOutput();
            } catch (IOException e) {
                // A head deadline passed, the client went away or the JDK closed the connection.
                closeQuietly(server);
                closeClient(client, accepted);
            }
            down.join();
        } catch (IOException e) {
            // Connecting to the JDK's server failed (it is stopping): the client sees the close.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(server.getLocalPort());
            closeQuietly(server);
            closeClient(client, accepted);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing left to do with a socket that fails to close.
        }
    }

    /**
     * Closes the client's end of a connection: under TLS without waiting on the client (see
     * {@link TlsContext#close}), since the slot the connection holds is freed only once this returns.
     */
    private static void closeClient(Socket client, Socket accepted) {
        if (client instanceof SSLSocket tls) {
            TlsContext.close(tls, accepted);
        } else {
            closeQuietly(accepted);
        }
    }

    /** Copies the JDK's answers to the client; its end of stream ends the whole connection. */
    private static void copyBack(Socket server, Socket client, Socket accepted) {
        try {
            server.getInputStream().transferTo(client.getOutputStream());
        } catch (IOException e) {
            // Either side closed: closing both (below) is all there is to do.
        } finally {
            closeQuietly(server);
            closeClient(client, accepted);
        }
    }

    private void forwardRequests(Socket client, long acceptedNanos, RelayInput in, OutputStream out) throws IOException {
        HeadClock clock = new HeadClock(client, acceptedNanos, limits);
        while (true) {
            Head head = readHead(in, clock);
            if (head == null) {
                return;
            }
            client.setSoTimeout(0); // from here on the JDK's request deadline applies
            if (!head.complete()) {
                out.write(head.bytes());
                in.transferTo(out);
                out.flush();
                return;
            }
            Framing framing = rewrite(head.bytes(), out);
            out.flush();
            if (framing.passThrough()) {
                in.transferTo(out);
                out.flush();
                return;
            }
            long left = framing.contentLength();
            byte[] buf = new byte[BUFFER_BYTES];
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
                left -= n;
            }
            clock = new HeadClock(client, -1, limits);
        }
    }

    /**
     * The deadlines of a head the front holds, which the JDK cannot see: the head deadline from the
     * accept for a connection's first request, else the idle deadline until its first byte and the
     * head deadline from that byte. A read past them fails with a timeout, which ends the connection.
     */
    private static final class HeadClock {
        private final Socket client;
        private final TransportLimits limits;
        private long deadline;

        /** {@code acceptedNanos} is -1 for a later request on the connection. */
        HeadClock(Socket client, long acceptedNanos, TransportLimits limits) {
            this.client = client;
            this.limits = limits;
            this.deadline = acceptedNanos < 0 ? -1 : acceptedNanos + limits.headerTimeout().toNanos();
        }

        /** Sets the socket's read timeout for the next read; {@code started} once a byte of the head came. */
        void beforeRead(boolean started) throws IOException {
            if (deadline < 0 && started) {
                deadline = System.nanoTime() + limits.headerTimeout().toNanos();
            }
            long millis = deadline < 0 ? limits.idleTimeout().toMillis()
                    : Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
        }
    }

    /**
     * The client's bytes, buffered. It tells whether the next read is served from the buffer without
     * asking the socket: {@link BufferedInputStream#available()} asks it (a system call) every time,
     * which made a head of a few hundred kilobytes cost as many system calls as bytes.
     */
    private static final class RelayInput extends BufferedInputStream {
        RelayInput(InputStream in, int size) {
            super(in, size);
        }

        /** True if the next read takes a buffered byte, so it cannot block. */
        synchronized boolean buffered() {
            return pos < count;
        }
    }

    /** A request head as read: up to its empty line, or less if the limit or the stream ended first. */
    private record Head(byte[] bytes, boolean complete) {}

    /** How the body after a head is delimited: a length, or unknown (relay the rest unchanged). */
    private record Framing(long contentLength, boolean passThrough) {}

    /** Reads lines up to the empty line after a request line (the JDK skips empty lines before it). */
    private static Head readHead(RelayInput in, HeadClock clock) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        boolean seenRequestLine = false;
        int lineLength = 0;
        while (head.size() < MAX_HEAD_BYTES) {
            if (!in.buffered()) {
                clock.beforeRead(head.size() > 0);
            }
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : new Head(head.toByteArray(), false);
            }
            head.write(b);
            if (b != '\n') {
                lineLength++;
                continue;
            }
            boolean empty = lineLength == 0 || lineLength == 1 && head.toByteArray()[head.size() - 2] == '\r';
            lineLength = 0;
            if (!empty) {
                seenRequestLine = true;
            } else if (seenRequestLine) {
                return new Head(head.toByteArray(), true);
            }
        }
        return new Head(head.toByteArray(), false);
    }

    /**
     * Writes the head, with its target rewritten if the JDK would refuse it and every line ended
     * with CRLF (Go takes a bare LF; the JDK waits for a CR that never comes), and says how its
     * body ends.
     */
    private Framing rewrite(byte[] head, OutputStream out) throws IOException {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\n", -1);
        long contentLength = 0;
        boolean passThrough = false;
        boolean requestLineDone = false;
        int hosts = 0;
        String version = "";
        int requestLineEnd = -1;
        StringBuilder rewritten = new StringBuilder(text.length() + 64);
        for (int i = 0; i < lines.length - 1; i++) { // the last element is the empty rest after the final LF
            String line = lines[i];
            String bare = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (bare.isEmpty()) {
                rewritten.append("\r\n");
                continue;
            }
            if (!requestLineDone) {
                requestLineDone = true;
                int second = bare.indexOf(' ', bare.indexOf(' ') + 1);
                version = second < 0 ? "" : bare.substring(second + 1);
                rewritten.append(requestLine(bare)).append("\r\n");
                requestLineEnd = rewritten.length();
                continue;
            }
            int colon = bare.indexOf(':');
            String name = colon < 0 ? "" : bare.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (name.equals(targetHeader.toLowerCase(Locale.ROOT)) || name.equals(refusalHeader().toLowerCase(Locale.ROOT))) {
                continue; // only the front may set it
            }
            if (name.equals("host")) {
                hosts++;
            }
            if (name.equals("transfer-encoding")) {
                passThrough = true;
            } else if (name.equals("content-length")) {
                try {
                    contentLength = Long.parseLong(bare.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    passThrough = true;
                }
                passThrough |= contentLength < 0;
            }
            rewritten.append(bare).append("\r\n");
        }
        String refusal = refusal(version, hosts);
        if (refusal != null && requestLineEnd > 0) {
            rewritten.insert(requestLineEnd, refusalHeader() + ": " + refusal + "\r\n");
        }
        out.write(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
        return new Framing(contentLength, passThrough);
    }

    /**
     * Why Go's server refuses a request head the JDK's serves, as status and reason (the Unix
     * socket's texts), or null: a version other than {@code HTTP/1.x}, no Host field in HTTP/1.1,
     * more than one. A version the JDK cannot parse at all is left to it.
     */
    static String refusal(String version, int hosts) {
        if (!version.matches("HTTP/\\d\\.\\d")) {
            return version.isEmpty() ? null : "400 malformed HTTP version";
        }
        if (version.charAt(5) != '1') {
            return "505 unsupported protocol version " + version;
        }
        if (hosts > 1) {
            return "400 too many Host headers";
        }
        return hosts == 0 && version.charAt(7) != '0' ? "400 missing required Host header" : null;
    }

    /** The name of the header that carries the refusal of a head the JDK would serve but Go refuses. */
    String refusalHeader() {
        return targetHeader + "-Refusal";
    }

    /**
     * The request line, or, if the JDK would refuse its target, the line with an encoded target
     * followed by the header carrying the target as received. Targets with control characters
     * stay as they are: Go refuses them too.
     */
    private String requestLine(String line) {
        int first = line.indexOf(' ');
        int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
        if (second < 0) {
            return line;
        }
        String target = line.substring(first + 1, second);
        if (routable(target) || target.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return line;
        }
        String encoded = encode(target);
        if (!routable(encoded)) {
            encoded = "/"; // the JDK needs only a path under its one context: the router reads the header
        }
        return line.substring(0, first + 1) + encoded + line.substring(second) + "\r\n" + targetHeader + ": " + target;
    }

    /**
     * Whether the JDK parses the target and finds its one context {@code /} for it: not for
     * {@code //metrics} (an authority, no path) or {@code *}.
     */
    private static boolean routable(String target) {
        try {
            String path = new URI(target).getRawPath();
            return path != null && path.startsWith("/");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Percent-encodes what {@link URI} refuses: characters outside RFC 3986's sets, {@code #}, a bare {@code %}. */
    static String encode(String target) {
        StringBuilder b = new StringBuilder(target.length() + 16);
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            boolean keep = c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0)
                    || c == '%' && i + 2 < target.length() && isHex(target.charAt(i + 1)) && isHex(target.charAt(i + 2));
            if (keep) {
                b.append(c);
            } else {
                b.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return b.toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0 && c < 0x80;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        // The kernel keeps listening until the accept call in progress returns (it holds the
        // socket), and connections made meanwhile would be queued, then reset: wait for it.
        try {
            if (!acceptor.join(ACCEPTOR_EXIT)) {
                log.accept("tcp: the accept thread did not stop within " + ACCEPTOR_EXIT.toSeconds() + " s of closing");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
