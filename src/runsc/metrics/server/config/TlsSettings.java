// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS on a TCP {@code --metric-server} address: the server's certificate chain and key (PEM files),
 * and whether clients must show a certificate signed by a CA of {@code clientCaFile}. The files are
 * named here, not read: the transport reads them at start-up and again when they change.
 *
 * @param certFile     the certificate chain, leaf first (one or more {@code CERTIFICATE} blocks)
 * @param keyFile      the private key of the leaf certificate (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted)
 * @param clientCaFile the CAs a client certificate must chain to; present exactly when
 *                     {@code clientAuth} is not {@link ClientAuth#NONE}
 * @param clientAuth   whether a client certificate is asked for and required
 */
public record TlsSettings(Path certFile, Path keyFile, Optional<Path> clientCaFile, ClientAuth clientAuth) {

    /** Whether the server asks for a client certificate: a closed set, as exporter-toolkit's policies it maps to. */
    public enum ClientAuth {
        /** No client certificate is asked for (exporter-toolkit's {@code NoClientCert}). */
        NONE,
        /** A certificate is asked for; if one is sent it must verify ({@code VerifyClientCertIfGiven}). */
        OPTIONAL,
        /** A certificate that verifies is required ({@code RequireAndVerifyClientCert}). */
        REQUIRED
    }

    /** Checks that a CA file is given exactly when client certificates are asked for. */
    public TlsSettings {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(clientCaFile, "clientCaFile");
        Objects.requireNonNull(clientAuth, "clientAuth");
        if (clientCaFile.isPresent() != (clientAuth != ClientAuth.NONE)) {
            throw new IllegalArgumentException(clientCaFile.isPresent()
                    ? "a client CA file is given but client certificates are not asked for"
                    : "client certificates are asked for (" + clientAuth + ") but no client CA file is given");
        }
    }
}
