package dev.pier.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A certificate issued by a {@link CertificateAuthority} together with its private key.
 *
 * @param certificate the leaf certificate
 * @param privateKey  its private key (secret)
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey) {

    /** Both components are required. */
    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /**
     * Loads a certificate and key persisted with {@link #certificatePem()} and {@link #privateKeyPem()}.
     *
     * @throws IllegalArgumentException if either PEM does not parse or the key does not belong
     *                                  to the certificate
     */
    public static IssuedCertificate fromPem(String certificatePem, String privateKeyPem) {
        X509Certificate certificate = Pem.certificate(certificatePem);
        PrivateKey key = Pem.privateKey(privateKeyPem);
        if (!Keys.matches(key, certificate)) {
            throw new IllegalArgumentException("private key does not match the certificate");
        }
        return new IssuedCertificate(certificate, key);
    }

    /** The certificate as PEM, e.g. for Vert.x {@code PemKeyCertOptions} or a kubeconfig. */
    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    /** The private key as PKCS#8 PEM ("PRIVATE KEY"). */
    public String privateKeyPem() {
        return Pem.privateKey(privateKey);
    }

    /** The user and groups this certificate names, as Kubernetes reads them. */
    public ClientIdentity identity() {
        return ClientIdentity.of(certificate);
    }

    @Override
    public String toString() {
        // A record's default toString would print the private key.
        return "IssuedCertificate[" + certificate.getSubjectX500Principal()
                + ", serial=" + certificate.getSerialNumber().toString(16) + "]";
    }
}
