// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Certificates and keys made by the real {@code openssl} binary in a scratch directory, for the TLS
 * tests: a CA, a server certificate for {@code 127.0.0.1} and {@code localhost} with a key in
 * PKCS#1 form ({@code openssl genrsa -traditional}), a client certificate with a SEC1 EC key
 * ({@code openssl ecparam -genkey}, which writes an {@code EC PARAMETERS} block first), a client
 * of another CA, and an expired client certificate and server certificate (dated in the past by
 * {@code openssl ca -startdate/-enddate}, since openssl 3.0's {@code x509 -days} cannot go
 * negative). Skips the calling test without openssl. Closing removes the directory. A test class
 * shares one set among its tests through {@link #perClass()}.
 */
public final class TestCertificates implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    /** Dates of the expired certificates: a day in 2020. */
    private static final String PAST_START = "20200101000000Z";
    private static final String PAST_END = "20200102000000Z";

    private ScratchDir dir;
    private Path openssl;

    private TestCertificates() {}

    /**
     * Makes the whole set.
     *
     * @return the certificates
     * @throws IOException if openssl fails
     */
    public static TestCertificates create() throws IOException {
        TestCertificates c = new TestCertificates();
        c.make();
        return c;
    }

    /**
     * One set for all the tests of a class, as a JUnit extension: register it with
     * {@code @RegisterExtension} on a static field. It makes the set before the class's
     * {@code @BeforeAll} methods run and removes it after the class's last test.
     *
     * @return the certificates, made when the class starts
     */
    public static TestCertificates perClass() {
        return new TestCertificates();
    }

    private void make() throws IOException {
        openssl = Tools.assume("openssl", "openssl");
        dir = ScratchDir.create("tls");
        try {
            makeCa("ca");
            makeCa("other-ca");
            run("genrsa", "-traditional", "-out", "server.key", "2048");
            sign("ca", "server", "/CN=localhost", true);
            run("ecparam", "-name", "prime256v1", "-genkey", "-out", "client.key");
            sign("ca", "client", "/CN=client", false);
            run("ecparam", "-name", "prime256v1", "-genkey", "-out", "stranger.key");
            sign("other-ca", "stranger", "/CN=stranger", false);
            run("ecparam", "-name", "prime256v1", "-genkey", "-out", "expired-client.key");
            signInThePast("expired-client", "/CN=expired-client", "expired-client.key");
            signInThePast("expired-server", "/CN=localhost", "server.key");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        make();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    private void makeCa(String name) throws IOException {
        run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + ".key");
        run("req", "-x509", "-new", "-key", name + ".key", "-subj", "/CN=runsc-metrics test " + name, "-days", "30",
                "-out", name + ".pem");
    }

    private void sign(String ca, String name, String subject, boolean server) throws IOException {
        run("req", "-new", "-key", name + ".key", "-subj", subject, "-out", name + ".csr");
        List<String> args = new ArrayList<>(List.of("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem",
                "-CAkey", ca + ".key", "-CAcreateserial", "-days", "30", "-out", name + ".pem"));
        if (server) {
            Files.writeString(dir().resolve(name + ".ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            args.addAll(List.of("-extfile", name + ".ext"));
        }
        run(args.toArray(new String[0]));
    }

    /** A certificate of {@code ca.pem} valid only on one day of 2020, through a minimal {@code openssl ca} set-up. */
    private void signInThePast(String name, String subject, String key) throws IOException {
        Path caDir = Files.createDirectories(dir().resolve("ca-db"));
        if (!Files.exists(caDir.resolve("index.txt"))) {
            Files.writeString(caDir.resolve("index.txt"), "");
            Files.writeString(caDir.resolve("serial"), "1000\n");
            Files.writeString(dir().resolve("ca.cnf"), """
                    [ca]
                    default_ca = test
                    [test]
                    database = ca-db/index.txt
                    new_certs_dir = ca-db
                    serial = ca-db/serial
                    default_md = sha256
                    policy = any
                    unique_subject = no
                    copy_extensions = copy
                    [any]
                    commonName = supplied
                    """);
        }
        Files.writeString(dir().resolve(name + ".ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run("req", "-new", "-key", key, "-subj", subject, "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-out", name + ".csr");
        run("ca", "-batch", "-notext", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", name + ".csr",
                "-startdate", PAST_START, "-enddate", PAST_END, "-out", name + ".pem");
    }

    /**
     * Runs openssl in the directory.
     *
     * @param args its arguments; file names are relative to {@link #dir()}
     * @throws IOException if it fails (the message has its output)
     */
    public void run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(openssl.toString()));
        command.addAll(List.of(args));
        ProcResult r = Proc.run(new ProcessBuilder(command).directory(dir().toFile()), Proc.DEADLINE);
        if (r.exitCode() != 0) {
            throw new IOException(r.describe());
        }
    }

    /**
     * The directory of the files.
     *
     * @return the directory
     * @throws IllegalStateException if the set is not made (yet), as outside the run of the class of a {@link #perClass()}
     */
    public Path dir() {
        if (dir == null) {
            throw new IllegalStateException("no certificates made: a perClass() set exists only while its class runs");
        }
        return dir.path();
    }

    /** A file in the directory by name, such as {@code ca.pem}. */
    public Path file(String name) {
        return dir().resolve(name);
    }

    /** The CA of the server and client certificates. */
    public Path ca() {
        return file("ca.pem");
    }

    /** Another CA, which signed nothing the server trusts. */
    public Path otherCa() {
        return file("other-ca.pem");
    }

    /** The server certificate (127.0.0.1 and localhost, signed by {@link #ca()}). */
    public Path serverCert() {
        return file("server.pem");
    }

    /** The server key, an {@code RSA PRIVATE KEY} (PKCS#1). */
    public Path serverKey() {
        return file("server.key");
    }

    /** A client certificate signed by {@link #ca()}. */
    public Path clientCert() {
        return file("client.pem");
    }

    /** The client key, an {@code EC PRIVATE KEY} (SEC1) after an {@code EC PARAMETERS} block. */
    public Path clientKey() {
        return file("client.key");
    }

    /** A client certificate signed by {@link #otherCa()}. */
    public Path strangerCert() {
        return file("stranger.pem");
    }

    /** The key of {@link #strangerCert()}. */
    public Path strangerKey() {
        return file("stranger.key");
    }

    /** A client certificate of {@link #ca()} that expired in 2020. */
    public Path expiredClientCert() {
        return file("expired-client.pem");
    }

    /** The key of {@link #expiredClientCert()}. */
    public Path expiredClientKey() {
        return file("expired-client.key");
    }

    /** A server certificate of {@link #ca()} for {@link #serverKey()} that expired in 2020. */
    public Path expiredServerCert() {
        return file("expired-server.pem");
    }

    /**
     * A TLS client context that trusts {@link #ca()} and has no certificate of its own.
     *
     * @return the context
     * @throws IOException if {@link #ca()} cannot be read
     * @throws GeneralSecurityException if it holds no certificate
     */
    public SSLContext clientContext() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Override
    public void close() throws IOException {
        if (dir != null) {
            dir.close();
            dir = null;
        }
    }
}
