package dev.pier.pki;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;

import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Key generation and certificate signing.
 *
 * <p>Everything goes through the JDK's own providers (SunEC, SunRsaSign); BouncyCastle only
 * builds the ASN.1. That way nothing registers a global security provider behind the back of
 * the rest of the process (Vert.x, the JDBC driver, jetcd's gRPC).
 */
final class Keys {

    static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {
    }

    /** A fresh ECDSA P-256 key pair: small, fast, and accepted by every Kubernetes client. */
    static KeyPair generateEcP256() {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available", e);
        }
    }

    /**
     * A random 128-bit positive serial. The top bit is forced on so the serial is never zero
     * and always has the same length (RFC 5280 requires positive serials of at most 20 octets);
     * 127 random bits keep serials unpredictable, which is what matters against collisions.
     */
    static BigInteger newSerial() {
        return new BigInteger(128, RANDOM).setBit(127);
    }

    /** The signature algorithm a CA key signs with; RSA is accepted for imported CAs. */
    static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("unsupported CA key algorithm: " + key.getAlgorithm());
        };
    }

    static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) {
        try {
            var signer = new JcaContentSignerBuilder(signatureAlgorithm(signingKey))
                    .setSecureRandom(RANDOM)
                    .build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("cannot sign certificate", e);
        }
    }

    /**
     * Whether a private key belongs to a certificate's public key, by signing a probe: a
     * mismatched pair loaded from storage would otherwise only show up later as certificates
     * that no client accepts.
     */
    static boolean matches(PrivateKey privateKey, X509Certificate certificate) {
        PublicKey publicKey = certificate.getPublicKey();
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            String algorithm = signatureAlgorithm(privateKey);
            byte[] probe = "pier key match probe".getBytes(StandardCharsets.US_ASCII);
            var signature = Signature.getInstance(algorithm);
            signature.initSign(privateKey, RANDOM);
            signature.update(probe);
            byte[] signed = signature.sign();
            var verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signed);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
