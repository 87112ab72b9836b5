// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import runsc.metrics.testing.TestCertificates;

/**
 * The TLS flags of {@code metric-server}: combinations that make no sense are usage errors, and
 * files that cannot be used stop the server before it binds, with a message naming the file and
 * the problem (both files for a key that is not the certificate's).
 */
class TlsFlagsTest {
    @RegisterExtension
    static final TestCertificates certs = TestCertificates.perClass();

    @TempDir
    Path root;

    private CliTest.Result serve(String... flags) {
        return CliTest.serve(root, "127.0.0.1:0", flags);
    }

    private static String cert(Path file) {
        return "--tls-cert-file=" + file;
    }

    private static String key(Path file) {
        return "--tls-key-file=" + file;
    }

    private static void assertUsageError(String message, CliTest.Result r) {
        assertEquals(128, r.status(), r::err);
        assertTrue(r.err().startsWith(message + "\n"), r.err());
        assertTrue(r.err().contains("\nmetric-server ["), "the usage follows: " + r.err());
    }

    @Test
    void flagsThatDoNotGoTogetherAreUsageErrors() {
        assertUsageError("TLS needs both -tls-cert-file and -tls-key-file", serve(cert(certs.serverCert())));
        assertUsageError("TLS needs both -tls-cert-file and -tls-key-file", serve(key(certs.serverKey())));
        assertUsageError("TLS needs both -tls-cert-file and -tls-key-file", serve("--tls-client-ca-file=" + certs.ca()));
        assertUsageError("invalid value \"always\" for flag -tls-client-auth: must be none, optional or required",
                serve(cert(certs.serverCert()), key(certs.serverKey()), "--tls-client-auth=always"));
        assertUsageError("-tls-client-auth=required needs -tls-client-ca-file, the CAs that client certificates are "
                + "verified against", serve(cert(certs.serverCert()), key(certs.serverKey()), "--tls-client-auth=required"));
        assertUsageError("-tls-client-ca-file is given but -tls-client-auth is none: say optional or required, or drop "
                + "the CA file", serve(cert(certs.serverCert()), key(certs.serverKey()), "--tls-client-ca-file=" + certs.ca(),
                "--tls-client-auth=none"));
    }

    @Test
    void tlsFlagsWithAUnixSocketAreAUsageError() {
        Path socket = root.resolve("m.sock");
        assertUsageError("the -tls-* flags apply to a TCP -metric-server address only, not to the Unix socket \"" + socket
                + "\"", CliTest.serve(root, socket.toString(), cert(certs.serverCert()), key(certs.serverKey())));
        assertUsageError("the -tls-* flags apply to a TCP -metric-server address only, not to the Unix socket "
                + "\"%RUNTIME_ROOT%/m.sock\"", CliTest.serve(root, "%RUNTIME_ROOT%/m.sock", "--tls-client-auth=none"));
    }

    @Test
    void aKeyOfAnotherCertificateStopsTheServerNamingBothFiles() {
        CliTest.assertFailsWith("TLS key file \"" + certs.clientKey() + "\" does not match TLS certificate file \""
                + certs.serverCert()
                + "\": the key (EC) is not the private half of the first certificate's public key (RSA, subject "
                + "CN=localhost)\n",
                serve(cert(certs.serverCert()), key(certs.clientKey())));
    }

    @Test
    void unreadableAndMalformedFilesStopTheServerNamingTheFile() throws IOException {
        Path missing = root.resolve("missing.pem");
        CliTest.assertFailsWith("TLS certificate file \"" + missing + "\": no such file\n",
                serve(cert(missing), key(certs.serverKey())));

        Path garbage = Files.writeString(root.resolve("garbage.key"), "not a key\n");
        CliTest.assertFailsWith("TLS key file \"" + garbage + "\": no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block "
                + "(no PEM block at all)\n",
                serve(cert(certs.serverCert()), key(garbage)));

        CliTest.assertFailsWith("TLS client CA file \"" + certs.serverKey() + "\": no CERTIFICATE block (found RSA PRIVATE "
                + "KEY)\n",
                serve(cert(certs.serverCert()), key(certs.serverKey()), "--tls-client-ca-file=" + certs.serverKey()));
    }
}
