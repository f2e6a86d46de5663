package dev.pier.pki;

import java.security.cert.X509Certificate;
import java.util.List;

/** PEM encoding and decoding of certificates, for code that holds certificates without their keys. */
public final class Certificates {
    private Certificates() {
    }

    /** The certificate as a PEM {@code CERTIFICATE} block. */
    public static String toPem(X509Certificate certificate) {
        return Pem.certificate(certificate);
    }

    /**
     * Every certificate of a PEM bundle, in order.
     *
     * @throws IllegalArgumentException if the text is not PEM certificates
     */
    public static List<X509Certificate> parse(String pem) {
        return Pem.certificates(pem);
    }
}
