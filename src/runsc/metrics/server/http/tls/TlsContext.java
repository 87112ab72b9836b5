// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import runsc.metrics.server.config.TlsSettings;

/**
 * The server side of TLS on accepted TCP connections: the JDK's TLS 1.3 and 1.2 with its default
 * cipher suites and groups, the certificate and key of {@link TlsSettings} (re-read when their
 * files change), and client certificates verified against the client CA file when asked for.
 *
 * <p>A handshake runs on the connection's own thread under a deadline that closes the socket when
 * it passes, because the JDK's read timeout applies to each read of a handshake, so a client that
 * sends a byte now and then would otherwise hold its connection for as long as it likes. A client
 * that speaks plain HTTP to the TLS port gets Go's answer ({@code 400}, "Client sent an HTTP
 * request to an HTTPS server.") before the connection closes, as from a Go exporter.
 *
 * <p>{@link #close} ends such a connection without waiting on the client, which the JDK's
 * {@link SSLSocket#close()} does not promise.
 */
public final class TlsContext {
    /** The versions offered: TLS 1.2 and later, of those the JDK enables by default. */
    static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");
    /** What Go's server writes to a client that sends HTTP to its TLS port. */
    private static final byte[] PLAIN_HTTP_ANSWER =
            "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n".getBytes(StandardCharsets.US_ASCII);
    /** The first five bytes of the requests Go recognizes as plain HTTP (its tlsRecordHeaderLooksLikeHTTP). */
    private static final Set<String> HTTP_STARTS = Set.of("GET /", "HEAD ", "POST ", "PUT /", "OPTIO");
    /** How long {@link #close} lets the close_notify alert wait for the client before dropping the connection. */
    public static final Duration CLOSE_BOUND = Duration.ofSeconds(1);

    private final TlsSettings settings;
    private final SSLSocketFactory factory;
    private final String[] protocols;

    private TlsContext(TlsSettings settings, SSLSocketFactory factory, String[] protocols) {
        this.settings = settings;
        this.factory = factory;
        this.protocols = protocols;
    }

    /**
     * Reads and checks the files of {@code settings}.
     *
     * @param settings the files and client-certificate policy
     * @param notices  receives the lines an operator needs: a certificate outside its validity
     *     period at start-up, each reload, and each change that cannot be used
     * @return the context
     * @throws TlsSetupException naming the file and the problem if a file cannot be read, is not
     *     what it should be, or the key does not match the certificate
     */
    public static TlsContext load(TlsSettings settings, Consumer<String> notices) throws TlsSetupException {
        Reloader<ServerKey> keys = new Reloader<>(List.of(settings.certFile(), settings.keyFile()),
                "TLS certificate and key", () -> ServerKey.read(settings.certFile(), settings.keyFile()), notices);
        warnIfNotValidNow(keys.get().chain().getFirst(), settings.certFile(), notices);
        TrustManager[] trust = null;
        if (settings.clientCaFile().isPresent()) {
            Path ca = settings.clientCaFile().get();
            trust = new TrustManager[] {new ReloadingClientTrust(
                    new Reloader<>(List.of(ca), "TLS client CA file", () -> ReloadingClientTrust.Cas.read(ca), notices))};
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new ReloadingKeyManager(keys)}, trust, null);
            List<String> enabled = new ArrayList<>(Arrays.asList(context.getDefaultSSLParameters().getProtocols()));
            enabled.retainAll(PROTOCOLS);
            if (enabled.isEmpty()) {
                throw new TlsSetupException("TLS: this JDK enables neither TLS 1.3 nor TLS 1.2 (see jdk.tls.disabledAlgorithms "
                        + "in its java.security)", null);
            }
            return new TlsContext(settings, context.getSocketFactory(), enabled.toArray(new String[0]));
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("TLS: the JDK's TLS cannot be set up: " + e.getMessage(), e);
        }
    }

    private static void warnIfNotValidNow(X509Certificate leaf, Path file, Consumer<String> notices) {
        Instant now = Instant.now();
        if (leaf.getNotAfter().toInstant().isBefore(now)) {
            notices.accept("tls: the certificate of TLS certificate file \"" + file + "\" expired at "
                    + leaf.getNotAfter().toInstant() + ": clients will refuse it until the file is replaced");
        } else if (leaf.getNotBefore().toInstant().isAfter(now)) {
            notices.accept("tls: the certificate of TLS certificate file \"" + file + "\" is not valid before "
                    + leaf.getNotBefore().toInstant() + ": clients will refuse it until then");
        }
    }

    /**
     * Runs the server side of a handshake on an accepted connection.
     *
     * @param raw      the accepted connection
     * @param deadline when the handshake must be done ({@link System#nanoTime()}); past it the
     *     connection is closed
     * @return the connection, speaking TLS; closing it closes {@code raw}
     * @throws IOException if the handshake fails or times out, the client closed, or the client
     *     sent plain HTTP (which has then been answered as Go does); the caller closes {@code raw}
     */
    public SSLSocket handshake(Socket raw, long deadline) throws IOException {
        AtomicBoolean settled = new AtomicBoolean();
        Thread watch = Thread.ofVirtual().name("runsc-metrics-tls-deadline").start(() -> {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.sleep(left);
                }
            } catch (InterruptedException e) {
                return; // the handshake ended first
            }
            if (settled.compareAndSet(false, true)) {
                try {
                    raw.close();
                } catch (IOException e) {
                    // The handshake's read fails either way.
                }
            }
        });
        try {
            raw.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            byte[] first = raw.getInputStream().readNBytes(5);
            if (first.length < 5) {
                throw new EOFException("the client closed the connection before a TLS handshake");
            }
            if (HTTP_STARTS.contains(new String(first, StandardCharsets.ISO_8859_1))) {
                raw.getOutputStream().write(PLAIN_HTTP_ANSWER);
                throw new IOException("the client sent plain HTTP to the TLS port");
            }
            SSLSocket tls = (SSLSocket) factory.createSocket(raw, new ByteArrayInputStream(first), true);
            tls.setUseClientMode(false);
            tls.setEnabledProtocols(protocols);
            switch (settings.clientAuth()) {
                case NONE -> { }
                case OPTIONAL -> tls.setWantClientAuth(true);
                case REQUIRED -> tls.setNeedClientAuth(true);
            }
            tls.startHandshake();
            if (!settled.compareAndSet(false, true)) {
                throw new SocketTimeoutException("TLS handshake took longer than the deadline");
            }
            return tls;
        } catch (IOException e) {
            if (!settled.compareAndSet(false, true)) {
                throw new SocketTimeoutException("no TLS handshake within the deadline (" + e.getMessage() + ")");
            }
            throw e;
        } finally {
            watch.interrupt();
        }
    }

    /**
     * Closes a connection {@link #handshake} returned: sends the client a close_notify alert, reads
     * only what the client had already sent, and drops the connection if the alert cannot be
     * written within {@link #CLOSE_BOUND}. The JDK's {@link SSLSocket#close()} otherwise waits for
     * a byte from the client for up to the connection's read timeout (which a caller keeps at what
     * is left of a deadline), and waits for any write in progress: a client that neither sends nor
     * reads would hold the connection, and whatever slot it counts against, that long again after
     * its deadline closed it.
     *
     * @param tls the connection as {@link #handshake} returned it
     * @param raw the accepted connection under it, closed in the end whatever happens
     */
    public static void close(SSLSocket tls, Socket raw) {
        if (raw.isClosed()) {
            return;
        }
        Thread drop = Thread.ofVirtual().name("runsc-metrics-tls-close").start(() -> {
            try {
                Thread.sleep(CLOSE_BOUND);
            } catch (InterruptedException e) {
                return; // closed in time
            }
            closeQuietly(raw); // fails the blocked write, which lets the close finish
        });
        try {
            raw.setSoTimeout(0); // with no read timeout, closing reads nothing the client has not sent yet
            tls.close();
        } catch (IOException e) {
            // Closing the raw connection below is all that is left to do.
        } finally {
            drop.interrupt();
            closeQuietly(raw);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing left to do with a socket that fails to close.
        }
    }
}
