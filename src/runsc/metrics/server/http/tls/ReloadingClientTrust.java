// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies client certificates against the CAs of a PEM file with the JDK's PKIX checks (chain,
 * validity period, key usage), re-reading the file when it changes, as the server's certificate.
 */
final class ReloadingClientTrust extends X509ExtendedTrustManager {
    /** The CAs of one reading of the file and the JDK's trust manager over them. */
    record Cas(List<X509Certificate> certificates, X509ExtendedTrustManager pkix) {
        static Cas read(Path file) throws TlsSetupException {
            List<X509Certificate> cas = PemKeys.certificates(file, "TLS client CA file");
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                for (int i = 0; i < cas.size(); i++) {
                    store.setCertificateEntry("ca-" + i, cas.get(i));
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
                factory.init(store);
                for (TrustManager tm : factory.getTrustManagers()) {
                    if (tm instanceof X509ExtendedTrustManager x) {
                        return new Cas(cas, x);
                    }
                }
                throw PemKeys.problem(file, "TLS client CA file", "the JDK has no X.509 trust manager", null);
            } catch (GeneralSecurityException | IOException e) {
                throw PemKeys.problem(file, "TLS client CA file", "cannot be used as trust anchors: " + e.getMessage(), e);
            }
        }
    }

    private final Reloader<Cas> cas;

    ReloadingClientTrust(Reloader<Cas> cas) {
        this.cas = cas;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        cas.get().pkix().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        cas.get().pkix().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        cas.get().pkix().checkClientTrusted(chain, authType);
    }

    /** The CAs named in the server's certificate request, so that a client can pick its certificate. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return cas.get().certificates().toArray(new X509Certificate[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a server does not check servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a server does not check servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a server does not check servers");
    }
}
