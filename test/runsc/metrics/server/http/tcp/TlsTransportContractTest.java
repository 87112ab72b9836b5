// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tcp;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import runsc.metrics.server.config.TlsSettings;
import runsc.metrics.server.config.TlsSettings.ClientAuth;
import runsc.metrics.server.http.tls.TlsContext;
import runsc.metrics.server.http.tls.TlsSetupException;
import runsc.metrics.testing.TestCertificates;

/**
 * The whole transport contract over TLS: the front ends TLS and relays plain HTTP to the JDK's
 * server, so every case (raw targets, deadlines, caps, keep-alive) must come out as over plain TCP.
 * The client is the JDK's TLS socket, which shakes hands at its first read or write.
 */
class TlsTransportContractTest extends TcpTransportContractTest {
    @RegisterExtension
    static final TestCertificates certs = TestCertificates.perClass();
    private static SSLContext client;

    @BeforeAll
    static void makeClientContext() throws IOException, GeneralSecurityException {
        client = certs.clientContext();
    }

    @Override
    protected Optional<TlsContext> tls() throws IOException {
        try {
            return Optional.of(TlsContext.load(new TlsSettings(certs.serverCert(), certs.serverKey(), Optional.empty(),
                    ClientAuth.NONE), log::add));
        } catch (TlsSetupException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    protected Socket open(int port) throws IOException {
        return client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * A connection whose reads see a server that closes before the handshake (as over the
     * connection cap) as the end of the stream, which is what it is: the JDK's TLS client reports
     * it as a handshake the peer ended, with an {@link EOFException} as the cause.
     */
    @Override
    protected RawConnection connect() throws IOException {
        RawConnection c = super.connect();
        InputStream in = new FilterInputStream(c.in()) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (SSLHandshakeException e) {
                    if (e.getCause() instanceof EOFException) {
                        return -1;
                    }
                    throw e;
                }
            }
        };
        return new RawConnection(in, c.out(), c.socket());
    }
}
