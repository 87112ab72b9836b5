// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A certificate chain and its private key, read and checked together, under an alias of its own:
 * a handshake asks for the alias first and for the chain and key afterwards, so a reload in
 * between must not hand it the new chain with the old key.
 *
 * @param alias the name the key manager gives this pair
 * @param chain the certificates, leaf first
 * @param key   the leaf's private key
 */
record ServerKey(String alias, List<X509Certificate> chain, PrivateKey key) {
    private static final AtomicLong GENERATION = new AtomicLong();

    /**
     * Reads a certificate file and a key file and checks that the key belongs to the leaf.
     *
     * @throws TlsSetupException naming the file that cannot be used, or both if they do not match
     */
    static ServerKey read(Path certFile, Path keyFile) throws TlsSetupException {
        List<X509Certificate> chain = PemKeys.certificates(certFile, "TLS certificate file");
        PrivateKey key = PemKeys.privateKey(keyFile, "TLS key file");
        if (!PemKeys.matches(key, chain.getFirst())) {
            throw new TlsSetupException("TLS key file \"" + keyFile + "\" does not match TLS certificate file \""
                    + certFile + "\": the key (" + key.getAlgorithm() + ") is not the private half of the first "
                    + "certificate's public key (" + chain.getFirst().getPublicKey().getAlgorithm() + ", subject "
                    + chain.getFirst().getSubjectX500Principal().getName() + ")", null);
        }
        return new ServerKey("runsc-metrics-" + GENERATION.incrementAndGet(), chain, key);
    }

    /**
     * Whether a handshake that asks for {@code keyType} can use this key. The JDK asks by key
     * algorithm ({@code RSA}, {@code RSASSA-PSS}, {@code EC}, {@code EdDSA}), in TLS 1.2 sometimes
     * with the certificate's signature algorithm after an underscore ({@code EC_RSA}), which
     * does not matter for a key of our own.
     */
    boolean serves(String keyType) {
        if (keyType == null) {
            return false;
        }
        int underscore = keyType.indexOf('_');
        String algorithm = underscore < 0 ? keyType : keyType.substring(0, underscore);
        return algorithm.equals(key.getAlgorithm());
    }
}
