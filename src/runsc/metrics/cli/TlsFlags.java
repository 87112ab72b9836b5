// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import java.nio.file.Path;
import java.util.Optional;

import runsc.metrics.runtime.MetricServerAddress;
import runsc.metrics.server.config.TlsSettings;
import runsc.metrics.server.config.TlsSettings.ClientAuth;

/**
 * The flags of {@code metric-server} that turn on TLS for a TCP address, named after
 * exporter-toolkit's web configuration ({@code cert_file}, {@code key_file}, {@code client_ca_file},
 * {@code client_auth_type}): {@code --tls-cert-file}, {@code --tls-key-file},
 * {@code --tls-client-ca-file} and {@code --tls-client-auth}, read into one {@link TlsSettings}.
 * Only their combination is checked here; the files are read when the server starts.
 *
 * @param certFile     {@code --tls-cert-file}
 * @param keyFile      {@code --tls-key-file}
 * @param clientCaFile {@code --tls-client-ca-file}
 * @param clientAuth   {@code --tls-client-auth}
 */
record TlsFlags(FlagSet.Flag<String> certFile, FlagSet.Flag<String> keyFile, FlagSet.Flag<String> clientCaFile,
                FlagSet.Flag<String> clientAuth) {

    static TlsFlags define(FlagSet flags) {
        return new TlsFlags(
                flags.string("tls-cert-file", "",
                        "If set with -tls-key-file, serve HTTPS on the TCP address with this PEM certificate chain "
                                + "(leaf first); re-read when it changes."),
                flags.string("tls-key-file", "",
                        "The PEM private key of -tls-cert-file (PKCS#8, or openssl's RSA or EC form; not encrypted); "
                                + "re-read when it changes."),
                flags.string("tls-client-ca-file", "",
                        "If set, verify client certificates against the CAs in this PEM file; re-read when it changes."),
                flags.string("tls-client-auth", "",
                        "Whether clients must show a certificate: none, optional (verified if given) or required "
                                + "(the default with -tls-client-ca-file)."));
    }

    /**
     * The settings the flags describe.
     *
     * @param address the {@code --metric-server} address
     * @param root    the {@code --root} text, for {@code %RUNTIME_ROOT%} in the address
     * @return the settings, or empty when no TLS flag is given
     * @throws UsageException if the flags do not go together, or are given for a Unix socket address
     */
    Optional<TlsSettings> get(String address, String root) throws UsageException {
        boolean any = certFile.isSet() || keyFile.isSet() || clientCaFile.isSet() || clientAuth.isSet();
        if (!any) {
            return Optional.empty();
        }
        if (MetricServerAddress.substitute(address, root).startsWith("/")) {
            throw new UsageException("the -tls-* flags apply to a TCP -metric-server address only, not to the Unix "
                    + "socket \"" + address + "\"");
        }
        if (certFile.get().isEmpty() || keyFile.get().isEmpty()) {
            throw new UsageException("TLS needs both -tls-cert-file and -tls-key-file");
        }
        Optional<Path> ca = clientCaFile.get().isEmpty() ? Optional.empty() : Optional.of(Path.of(clientCaFile.get()));
        ClientAuth auth = switch (clientAuth.get()) {
            case "" -> ca.isPresent() ? ClientAuth.REQUIRED : ClientAuth.NONE;
            case "none" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            case "required" -> ClientAuth.REQUIRED;
            default -> throw new UsageException("invalid value \"" + clientAuth.get()
                    + "\" for flag -tls-client-auth: must be none, optional or required");
        };
        if (ca.isPresent() && auth == ClientAuth.NONE) {
            throw new UsageException("-tls-client-ca-file is given but -tls-client-auth is none: "
                    + "say optional or required, or drop the CA file");
        }
        if (ca.isEmpty() && auth != ClientAuth.NONE) {
            throw new UsageException("-tls-client-auth=" + clientAuth.get() + " needs -tls-client-ca-file, the CAs "
                    + "that client certificates are verified against");
        }
        return Optional.of(new TlsSettings(Path.of(certFile.get()), Path.of(keyFile.get()), ca, auth));
    }
}
