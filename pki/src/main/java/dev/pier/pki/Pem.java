package dev.pier.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** PEM encoding and decoding of certificates and private keys. */
final class Pem {

    // Encoded by hand rather than with BouncyCastle's PemWriter so the output always
    // uses "\n" line endings whatever the platform: the PEM ends up in stored objects
    // and kubeconfigs, where byte-for-byte stable output matters.
    private static final Base64.Encoder BODY = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pem() {
    }

    static String certificate(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode certificate", e);
        }
    }

    /** PKCS#8 ("PRIVATE KEY"), the one format every TLS stack and kubectl reads for any key type. */
    static String privateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("private key is not PKCS#8 encodable: " + key.getFormat());
        }
        return encode("PRIVATE KEY", key.getEncoded());
    }

    /**
     * The form kubeadm and client-go write into kubeconfigs: SEC1 ("EC PRIVATE KEY", with the curve named)
     * for EC keys, PKCS#8 for others. Some clients (fabric8 7) only recognise EC keys in that form.
     */
    static String kubeconfigPrivateKey(PrivateKey key) {
        if (!"EC".equals(key.getAlgorithm())) return privateKey(key);
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
            int bits = ((java.security.interfaces.ECPrivateKey) key).getParams().getOrder().bitLength();
            org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(bits, inner.getKey(),
                    inner.getPublicKey(), info.getPrivateKeyAlgorithm().getParameters());
            return encode("EC PRIVATE KEY", sec1.getEncoded());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode EC private key", e);
        }
    }

    static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + BODY.encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** All certificates in a PEM bundle, in order. */
    static List<X509Certificate> certificates(String pem) {
        Objects.requireNonNull(pem, "pem");
        try {
            var factory = CertificateFactory.getInstance("X.509");
            var result = new ArrayList<X509Certificate>();
            for (var cert : factory.generateCertificates(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                result.add((X509Certificate) cert);
            }
            return List.copyOf(result);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** Exactly one certificate from PEM. */
    static X509Certificate certificate(String pem) {
        var certs = certificates(pem);
        if (certs.size() != 1) {
            throw new IllegalArgumentException("expected one PEM certificate, found " + certs.size());
        }
        return certs.getFirst();
    }

    /**
     * A private key from PEM: PKCS#8 ("PRIVATE KEY") as we write it, and also the
     * OpenSSL traditional forms ("EC PRIVATE KEY", "RSA PRIVATE KEY") so that keys made
     * with openssl or kubeadm can be imported.
     */
    static PrivateKey privateKey(String pem) {
        Objects.requireNonNull(pem, "pem");
        try (var parser = new PEMParser(new StringReader(pem))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                PrivateKeyInfo info = switch (object) {
                    case PrivateKeyInfo pkcs8 -> pkcs8;
                    case PEMKeyPair pair -> pair.getPrivateKeyInfo();
                    case PKCS8EncryptedPrivateKeyInfo ignored ->
                            throw new IllegalArgumentException("encrypted private keys are not supported");
                    case PEMEncryptedKeyPair ignored ->
                            throw new IllegalArgumentException("encrypted private keys are not supported");
                    // `openssl ecparam -genkey` writes an "EC PARAMETERS" block before the key.
                    case ASN1ObjectIdentifier ignored -> null;
                    default -> throw new IllegalArgumentException(
                            "not a private key: " + object.getClass().getSimpleName());
                };
                if (info != null) {
                    return new JcaPEMKeyConverter().getPrivateKey(info);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no PEM private key found");
    }
}
