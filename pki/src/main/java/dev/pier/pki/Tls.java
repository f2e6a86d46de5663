package dev.pier.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * JSSE plumbing for certificates from this package: in-memory key stores, key and trust
 * manager factories, and SSL contexts. Vert.x takes the PEM strings directly or
 * {@code KeyCertOptions.wrap(keyManager)} / {@code TrustOptions.wrap(trustManager)}.
 */
public final class Tls {

    /**
     * The password of the key entry in {@link #keyStore}. The store only ever lives in memory,
     * so the password protects nothing; it is empty rather than a made-up constant so nobody
     * mistakes it for protection.
     */
    public static final char[] KEY_PASSWORD = new char[0];

    private static final String KEY_ALIAS = "pier";

    private Tls() {
    }

    /**
     * An in-memory PKCS#12 key store holding one key entry (alias {@code "pier"}, password
     * {@link #KEY_PASSWORD}) whose chain is the leaf followed by {@code chain}.
     *
     * @param identity the certificate and key to present
     * @param chain    intermediates to send after the leaf, nearest first; may be empty. Including
     *                 the root is allowed but pointless, since the peer must already trust it
     */
    public static KeyStore keyStore(IssuedCertificate identity, List<X509Certificate> chain) {
        Objects.requireNonNull(identity, "identity");
        var certificates = new ArrayList<Certificate>();
        certificates.add(identity.certificate());
        certificates.addAll(List.copyOf(chain));
        try {
            KeyStore store = emptyStore();
            store.setKeyEntry(KEY_ALIAS, identity.privateKey(), KEY_PASSWORD,
                    certificates.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build key store", e);
        }
    }

    /** A key manager factory presenting {@code identity}; see {@link #keyStore}. */
    public static KeyManagerFactory keyManagerFactory(IssuedCertificate identity, List<X509Certificate> chain) {
        try {
            var factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keyStore(identity, chain), KEY_PASSWORD);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build key manager", e);
        }
    }

    /** An in-memory key store trusting exactly {@code anchors}, e.g. one cell's CA certificate. */
    public static KeyStore trustStore(List<X509Certificate> anchors) {
        List<X509Certificate> certificates = List.copyOf(anchors);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("at least one trust anchor is required");
        }
        try {
            KeyStore store = emptyStore();
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build trust store", e);
        }
    }

    /** A PKIX trust manager factory trusting exactly {@code anchors}, not the JDK's cacerts. */
    public static TrustManagerFactory trustManagerFactory(List<X509Certificate> anchors) {
        try {
            var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore(anchors));
            return factory;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build trust manager", e);
        }
    }

    /**
     * A TLS context that presents {@code identity} (with {@code chain}) and trusts exactly
     * {@code anchors}.
     *
     * @param identity the certificate to present, or {@code null} for a client that
     *                 authenticates some other way (a bearer token)
     */
    public static SSLContext sslContext(IssuedCertificate identity, List<X509Certificate> chain,
                                        List<X509Certificate> anchors) {
        try {
            var context = SSLContext.getInstance("TLS");
            context.init(identity == null ? null : keyManagerFactory(identity, chain).getKeyManagers(),
                    trustManagerFactory(anchors).getTrustManagers(), Keys.RANDOM);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build SSL context", e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot initialise an empty key store", e);
        }
        return store;
    }
}
