// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import runsc.metrics.testing.TestCertificates;

/** Keys and certificates in the forms openssl writes, and every way a file can be unusable. */
class PemKeysTest {
    @RegisterExtension
    static final TestCertificates certs = TestCertificates.perClass();

    private static String keyError(Path file) {
        return assertThrows(TlsSetupException.class, () -> PemKeys.privateKey(file, "TLS key file")).getMessage();
    }

    private static Path write(String name, String text) throws IOException {
        return Files.writeString(certs.file(name), text);
    }

    @Test
    void readsOpensslsTraditionalRsaKeyAndItMatchesItsCertificate() throws Exception {
        assertTrue(Files.readString(certs.serverKey()).startsWith("-----BEGIN RSA PRIVATE KEY-----"), "not PKCS#1: the case is not tested");
        ServerKey pair = ServerKey.read(certs.serverCert(), certs.serverKey());
        assertEquals("RSA", pair.key().getAlgorithm());
        assertTrue(pair.serves("RSA"));
        assertFalse(pair.serves("EC"));
    }

    @Test
    void readsOpensslsEcKeyAfterItsParametersBlock() throws Exception {
        String text = Files.readString(certs.clientKey());
        assertTrue(text.startsWith("-----BEGIN EC PARAMETERS-----") && text.contains("-----BEGIN EC PRIVATE KEY-----"), text);
        ServerKey pair = ServerKey.read(certs.clientCert(), certs.clientKey());
        assertEquals("EC", pair.key().getAlgorithm());
        assertTrue(pair.serves("EC"));
    }

    @Test
    void readsPkcs8KeysOfEveryKindOpensslWrites() throws Exception {
        certs.run("pkey", "-in", "server.key", "-out", "server-pkcs8.key");
        certs.run("pkey", "-in", "client.key", "-out", "client-pkcs8.key");
        assertTrue(Files.readString(certs.file("server-pkcs8.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        PrivateKey rsa = PemKeys.privateKey(certs.file("server-pkcs8.key"), "k");
        assertArrayEquals(PemKeys.privateKey(certs.serverKey(), "k").getEncoded(), rsa.getEncoded());
        PrivateKey ec = PemKeys.privateKey(certs.file("client-pkcs8.key"), "k");
        // openssl's SEC1 and PKCS#8 encodings of one EC key differ in what they repeat; the scalar is the key.
        assertEquals(((ECPrivateKey) PemKeys.privateKey(certs.clientKey(), "k")).getS(), ((ECPrivateKey) ec).getS());

        certs.run("genpkey", "-algorithm", "ed25519", "-out", "ed.key");
        certs.run("req", "-x509", "-new", "-key", "ed.key", "-subj", "/CN=ed", "-days", "1", "-out", "ed.pem");
        assertTrue(ServerKey.read(certs.file("ed.pem"), certs.file("ed.key")).serves("EdDSA"));
    }

    @Test
    void aKeyOfAnotherCertificateIsAnErrorNamingBothFiles() throws Exception {
        String message = assertThrows(TlsSetupException.class, () -> ServerKey.read(certs.serverCert(), certs.clientKey()))
                .getMessage();
        assertEquals("TLS key file \"" + certs.clientKey() + "\" does not match TLS certificate file \"" + certs.serverCert()
                + "\": the key (EC) is not the private half of the first certificate's public key (RSA, subject CN=localhost)",
                message);
        // The same kind of key, but another one: by modulus for RSA, by a signature for EC.
        certs.run("genrsa", "-out", "other-rsa.key", "2048");
        assertTrue(assertThrows(TlsSetupException.class, () -> ServerKey.read(certs.serverCert(), certs.file("other-rsa.key")))
                .getMessage().contains("does not match"));
        assertTrue(assertThrows(TlsSetupException.class, () -> ServerKey.read(certs.clientCert(), certs.strangerKey()))
                .getMessage().contains("does not match"));
    }

    @Test
    void encryptedKeysAreRefusedWithAWayOut() throws Exception {
        certs.run("pkey", "-in", "server.key", "-aes128", "-passout", "pass:secret", "-out", "encrypted.key");
        certs.run("rsa", "-in", "server.key", "-traditional", "-aes128", "-passout", "pass:secret", "-out", "encrypted-rsa.key");
        assertTrue(Files.readString(certs.file("encrypted-rsa.key")).contains("Proc-Type: 4,ENCRYPTED"));
        for (String name : List.of("encrypted.key", "encrypted-rsa.key")) {
            Path file = certs.file(name);
            assertEquals("TLS key file \"" + file + "\": the private key is encrypted, which is not supported (the server "
                    + "has no passphrase to give): write it unencrypted with \"openssl pkey -in " + file + " -out NEWFILE\" "
                    + "and protect it with file permissions", keyError(file));
        }
    }

    @Test
    void anEcKeyWithExplicitCurveParametersIsRefused() throws Exception {
        certs.run("ec", "-in", "client.key", "-param_enc", "explicit", "-out", "explicit.key");
        assertTrue(keyError(certs.file("explicit.key")).contains("explicit parameters, which are not supported"));
    }

    @Test
    void unreadableAndMalformedFilesAreNamedWithTheProblem() throws Exception {
        Path missing = certs.file("missing.key");
        assertEquals("TLS key file \"" + missing + "\": no such file", keyError(missing));
        assertTrue(keyError(certs.dir()).startsWith("TLS key file \"" + certs.dir() + "\": cannot be read: "));
        Path empty = write("empty.key", "");
        assertEquals("TLS key file \"" + empty + "\": no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block "
                + "(no PEM block at all)", keyError(empty));
        assertTrue(keyError(certs.serverCert()).endsWith("block (found CERTIFICATE)"), keyError(certs.serverCert()));
        String key = Files.readString(certs.serverKey());
        Path cut = write("cut.key", key.substring(0, key.length() / 2));
        assertEquals("TLS key file \"" + cut + "\": malformed PEM: line 1: the RSA PRIVATE KEY block has no END line", keyError(cut));
        Path bad = write("bad.key", key.replaceFirst("\n.", "\n*"));
        assertTrue(keyError(bad).startsWith("TLS key file \"" + bad + "\": malformed PEM: line 1: the RSA PRIVATE KEY block is not base64"),
                keyError(bad));
        Path notDer = write("notder.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertTrue(keyError(notDer).startsWith("TLS key file \"" + notDer + "\": the PRIVATE KEY block of line 1 cannot be read: "),
                keyError(notDer));
        Path two = write("two.key", key + Files.readString(certs.clientKey()));
        assertTrue(keyError(two).contains("2 private keys"), keyError(two));
        Path notCert = write("notcert.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertTrue(assertThrows(TlsSetupException.class, () -> PemKeys.certificates(notCert, "TLS certificate file")).getMessage()
                .startsWith("TLS certificate file \"" + notCert + "\": the CERTIFICATE block of line 1 is not an X.509 certificate"));
    }

    @Test
    void aCertificateFileMayHoldAChainAndAKeyFileItsCertificate() throws Exception {
        Path chain = write("chain.pem", Files.readString(certs.serverCert()) + "some text openssl writes\n"
                + Files.readString(certs.ca()));
        List<X509Certificate> certificates = PemKeys.certificates(chain, "c");
        assertEquals(List.of("CN=localhost", "CN=runsc-metrics test ca"),
                certificates.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
        Path combined = write("combined.pem", Files.readString(certs.serverCert()) + Files.readString(certs.serverKey()));
        assertEquals("RSA", ServerKey.read(combined, combined).key().getAlgorithm());
    }

    @Test
    void derWritesLengthsInTheShortestFormAndReadsThemBack() {
        for (int n : List.of(0, 1, 127, 128, 255, 256, 65535, 65536)) {
            byte[] encoded = Der.octetString(new byte[n]);
            Der.Element e = new Der.Reader(encoded).next(Der.OCTET_STRING, "octets");
            assertEquals(n, e.contents().length);
            int lengthBytes = n < 128 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 4;
            assertEquals(1 + lengthBytes + n, encoded.length, "length of " + n);
        }
        assertEquals("1.2.840.10045.2.1", Der.oidText(new byte[] {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01}));
        assertThrows(IllegalArgumentException.class, () -> new Der.Reader(new byte[] {0x30, 0x05, 0x01}).next());
    }
}
