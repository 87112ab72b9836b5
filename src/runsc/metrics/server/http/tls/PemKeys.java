// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads certificates and private keys from PEM files in the forms {@code openssl} writes: PKCS#8
 * {@code PRIVATE KEY} (openssl 3's default), PKCS#1 {@code RSA PRIVATE KEY} and SEC1
 * {@code EC PRIVATE KEY} (the "traditional" forms of {@code genrsa -traditional} and
 * {@code ecparam -genkey}), the last two wrapped into PKCS#8 for the JDK's key factories.
 * Encrypted keys are refused: the server starts unattended and has no passphrase to give.
 * Every error names the file.
 */
final class PemKeys {
    /** The private key types of PKCS#8 by algorithm OID, as the JDK's key factories name them. */
    private static final Map<String, String> KEY_ALGORITHMS = Map.of(
            "1.2.840.113549.1.1.1", "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            "1.2.840.10045.2.1", "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");
    /** rsaEncryption, encoded. */
    private static final byte[] RSA_OID = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
    /** id-ecPublicKey, encoded. */
    private static final byte[] EC_OID = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};

    private PemKeys() {
    }

    /**
     * The certificates of a file, in order (a chain: the leaf first).
     *
     * @param file the file
     * @param role what the file is, for messages ("TLS certificate file")
     * @return one or more certificates
     * @throws TlsSetupException naming the file if it cannot be read or holds no valid certificate
     */
    static List<X509Certificate> certificates(Path file, String role) throws TlsSetupException {
        List<Pem.Block> blocks = blocks(file, role);
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Pem.Block b : blocks) {
                if (!b.type().equals("CERTIFICATE")) {
                    continue;
                }
                try {
                    certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                } catch (CertificateException e) {
                    throw problem(file, role, "the CERTIFICATE block of line " + b.line() + " is not an X.509 certificate: "
                            + e.getMessage(), e);
                }
            }
        } catch (CertificateException e) {
            throw problem(file, role, "X.509 is not available: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw problem(file, role, "no CERTIFICATE block" + foundTypes(blocks), null);
        }
        return certificates;
    }

    /**
     * The one private key of a file; other blocks (such as {@code EC PARAMETERS}, which
     * {@code openssl ecparam -genkey} writes first, or certificates) are skipped.
     *
     * @param file the file
     * @param role what the file is, for messages ("TLS key file")
     * @return the key
     * @throws TlsSetupException naming the file if it cannot be read, holds no key or more than
     *     one, an encrypted key, or a key the JDK cannot read
     */
    static PrivateKey privateKey(Path file, String role) throws TlsSetupException {
        List<Pem.Block> blocks = blocks(file, role);
        List<Pem.Block> keys = blocks.stream().filter(b -> b.type().endsWith("PRIVATE KEY")).toList();
        if (keys.isEmpty()) {
            throw problem(file, role, "no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block" + foundTypes(blocks), null);
        }
        if (keys.size() > 1) {
            throw problem(file, role, keys.size() + " private keys (lines " + keys.getFirst().line() + " and "
                    + keys.get(1).line() + "); give the one that belongs to the certificate", null);
        }
        Pem.Block key = keys.getFirst();
        if (key.type().equals("ENCRYPTED PRIVATE KEY") || key.headers().getOrDefault("Proc-Type", "").contains("ENCRYPTED")) {
            throw problem(file, role, "the private key is encrypted, which is not supported (the server has no "
                    + "passphrase to give): write it unencrypted with \"openssl pkey -in " + file + " -out NEWFILE\" and "
                    + "protect it with file permissions", null);
        }
        try {
            byte[] pkcs8 = switch (key.type()) {
                case "PRIVATE KEY" -> key.der();
                case "RSA PRIVATE KEY" -> Der.sequence(Der.integerZero(), Der.sequence(RSA_OID, Der.nullValue()),
                        Der.octetString(key.der()));
                case "EC PRIVATE KEY" -> Der.sequence(Der.integerZero(), Der.sequence(EC_OID, curveOf(key.der())),
                        Der.octetString(key.der()));
                default -> throw new IllegalArgumentException("a " + key.type() + " block is not a key type this server "
                        + "reads (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY)");
            };
            String algorithm = algorithmOf(pkcs8);
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw problem(file, role, "the " + key.type() + " block of line " + key.line() + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code key} is the private half of {@code certificate}'s public key: an RSA key by
     * its modulus and exponent, others by signing a random message and verifying it.
     *
     * @return true if they match
     */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        PublicKey pub = certificate.getPublicKey();
        if (key instanceof RSAPrivateCrtKey rsa) {
            return pub instanceof RSAPublicKey p && p.getModulus().equals(rsa.getModulus())
                    && p.getPublicExponent().equals(rsa.getPublicExponent());
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null || !sameFamily(key.getAlgorithm(), pub.getAlgorithm())) {
            return false;
        }
        try {
            byte[] message = new byte[32];
            new SecureRandom().nextBytes(message);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a key of another curve or kind than the certificate's
        }
    }

    /** Whether two key algorithm names are one kind of key; the JDK names Edwards keys EdDSA, Ed25519 or Ed448. */
    private static boolean sameFamily(String a, String b) {
        return family(a).equals(family(b));
    }

    private static String family(String algorithm) {
        return algorithm.startsWith("Ed") ? "EdDSA" : algorithm;
    }

    /** The named curve of a SEC1 key, as the encoded OID for PKCS#8's algorithm parameters. */
    private static byte[] curveOf(byte[] sec1) {
        Der.Reader key = new Der.Reader(sec1).next(Der.SEQUENCE, "ECPrivateKey sequence").children();
        key.next(Der.INTEGER, "ECPrivateKey version");
        key.next(Der.OCTET_STRING, "private key octets");
        while (key.hasNext()) {
            Der.Element e = key.next();
            if (e.tag() == Der.CONTEXT_0) {
                Der.Element curve = e.children().next();
                if (curve.tag() != Der.OID) {
                    throw new IllegalArgumentException("the EC key gives its curve as explicit parameters, which are "
                            + "not supported: write it with a named curve (openssl ec -param_enc named_curve)");
                }
                return curve.encoding();
            }
        }
        throw new IllegalArgumentException("the EC key does not name its curve: write it as PKCS#8 (openssl pkey)");
    }

    /** The JDK's name of a PKCS#8 key's algorithm. */
    private static String algorithmOf(byte[] pkcs8) {
        Der.Reader info = new Der.Reader(pkcs8).next(Der.SEQUENCE, "PrivateKeyInfo sequence").children();
        info.next(Der.INTEGER, "PrivateKeyInfo version");
        Der.Reader algorithm = info.next(Der.SEQUENCE, "algorithm identifier").children();
        String oid = Der.oidText(algorithm.next(Der.OID, "algorithm OID").contents());
        String name = KEY_ALGORITHMS.get(oid);
        if (name == null) {
            throw new IllegalArgumentException("key algorithm " + oid + " is not supported (RSA, EC, Ed25519 and Ed448 are)");
        }
        return name;
    }

    private static List<Pem.Block> blocks(Path file, String role) throws TlsSetupException {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw problem(file, role, "no such file", e);
        } catch (AccessDeniedException e) {
            throw problem(file, role, "permission denied", e);
        } catch (IOException e) {
            throw problem(file, role, "cannot be read: " + e.getMessage(), e);
        }
        try {
            return Pem.parse(text);
        } catch (IllegalArgumentException e) {
            throw problem(file, role, "malformed PEM: " + e.getMessage(), e);
        }
    }

    private static String foundTypes(List<Pem.Block> blocks) {
        return blocks.isEmpty() ? " (no PEM block at all)"
                : " (found " + String.join(", ", blocks.stream().map(Pem.Block::type).distinct().toList()) + ")";
    }

    /** The error for one file: {@code ROLE "FILE": PROBLEM}. */
    static TlsSetupException problem(Path file, String role, String what, Throwable cause) {
        return new TlsSetupException(role + " \"" + file + "\": " + what, cause);
    }
}
