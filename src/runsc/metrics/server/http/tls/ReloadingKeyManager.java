// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's key manager: one certificate chain and key, re-read from their files when they
 * change (as exporter-toolkit re-reads them), checked when a handshake chooses its key. The pair
 * chosen keeps serving the handshake that chose it even if a reload replaces it meanwhile.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private final Reloader<ServerKey> keys;
    /** The pair before the current one, for a handshake that chose it just before a reload. */
    private volatile ServerKey previous;
    private volatile ServerKey latest;

    ReloadingKeyManager(Reloader<ServerKey> keys) {
        this.keys = keys;
        this.latest = keys.get();
    }

    /** The pair for new handshakes, after a reload if the files changed. */
    ServerKey current() {
        ServerKey k = keys.get();
        if (k != latest) {
            synchronized (this) {
                if (k != latest) {
                    previous = latest;
                    latest = k;
                }
            }
        }
        return k;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        ServerKey k = current();
        return k.serves(keyType) ? k.alias() : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType, issuers, (Socket) null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = chooseServerAlias(keyType, issuers, (Socket) null);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        ServerKey k = byAlias(alias);
        return k == null ? null : k.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        ServerKey k = byAlias(alias);
        return k == null ? null : k.key();
    }

    private ServerKey byAlias(String alias) {
        ServerKey now = latest;
        ServerKey before = previous;
        return now.alias().equals(alias) ? now : before != null && before.alias().equals(alias) ? before : null;
    }

    /** A server never acts as a client. */
    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    /** A server never acts as a client. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }
}
