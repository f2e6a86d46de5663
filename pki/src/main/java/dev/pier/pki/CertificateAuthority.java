package dev.pier.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * A certificate authority: a self-signed CA certificate and its private key, issuing the
 * serving and client certificates of one cell.
 *
 * <p>Keys are ECDSA P-256 and certificates are signed with SHA256withECDSA. Every certificate
 * starts one hour before it was made, so that a machine whose clock runs
 * slightly behind does not reject a certificate that was just issued.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CertificateAuthority {

    private static final Duration CLOCK_SKEW = Duration.ofHours(1);
    /**
     * How far back a certificate signed for a request starts: Kubernetes' signer backdates five minutes. Less
     * than {@link #CLOCK_SKEW}, because requesters renew at a share of notBefore..notAfter, and an hour's
     * backdating would make a ten-minute certificate look due at once.
     */
    private static final Duration REQUEST_BACKDATE = Duration.ofMinutes(5);
    private static final int CA_VALIDITY_YEARS = 10;

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /**
     * Creates a new self-signed CA valid for ten years.
     *
     * @param commonName the CA's subject CN, e.g. {@code "pier-ca-<cell>"}
     */
    public static CertificateAuthority generate(String commonName) {
        requireText(commonName, "commonName");
        KeyPair keys = Keys.generateEcP256();
        Instant now = Instant.now();
        Instant notAfter = now.atZone(ZoneOffset.UTC).plusYears(CA_VALIDITY_YEARS).toInstant();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        var builder = new JcaX509v3CertificateBuilder(subject, Keys.newSerial(),
                Date.from(now.minus(CLOCK_SKEW)), Date.from(notAfter), subject, keys.getPublic());
        var extensions = extensionUtils();
        addExtension(builder, Extension.basicConstraints, true, new BasicConstraints(true));
        addExtension(builder, Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        addExtension(builder, Extension.subjectKeyIdentifier, false,
                extensions.createSubjectKeyIdentifier(keys.getPublic()));
        return new CertificateAuthority(Keys.sign(builder, keys.getPrivate()), keys.getPrivate());
    }

    /**
     * Loads a CA persisted with {@link #certificatePem()} and {@link #privateKeyPem()}.
     * Also accepts OpenSSL's traditional key PEMs and RSA keys, so an existing CA can be imported.
     *
     * @throws IllegalArgumentException if either PEM does not parse, the certificate is not a CA,
     *                                  or the key does not belong to the certificate
     */
    public static CertificateAuthority fromPem(String certificatePem, String privateKeyPem) {
        X509Certificate certificate = Pem.certificate(certificatePem);
        PrivateKey key = Pem.privateKey(privateKeyPem);
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("certificate is not a CA: " + certificate.getSubjectX500Principal());
        }
        Keys.signatureAlgorithm(key); // fail now, not on first issue, for keys we cannot sign with
        if (!Keys.matches(key, certificate)) {
            throw new IllegalArgumentException("private key does not match the CA certificate");
        }
        return new CertificateAuthority(certificate, key);
    }

    /** The CA certificate, the trust anchor clients and servers of this cell verify against. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate as PEM. */
    public String certificatePem() {
        return Pem.certificate(certificate);
    }

    /** The CA private key as PKCS#8 PEM ("PRIVATE KEY"). Secret: store it encrypted or not at all. */
    public String privateKeyPem() {
        return Pem.privateKey(privateKey);
    }

    /**
     * Issues a TLS server certificate.
     *
     * @param commonName  the subject CN (informational: clients verify against the SANs)
     * @param dnsNames    DNS subject alternative names; may contain wildcards such as {@code *.svc}
     * @param ipAddresses IPv4 or IPv6 literals; must be addresses, never host names, so that
     *                    issuing never triggers a DNS lookup
     * @param validity    how long the certificate is valid; capped at the CA's own expiry
     * @throws IllegalArgumentException if there is no SAN at all, since no modern client would
     *                                  accept the certificate for any host, or a name is malformed
     */
    public IssuedCertificate issueServing(String commonName, List<String> dnsNames, List<String> ipAddresses,
                                          Duration validity) {
        requireText(commonName, "commonName");
        var names = new ArrayList<GeneralName>();
        for (String dns : List.copyOf(dnsNames)) {
            names.add(new GeneralName(GeneralName.dNSName, requireDnsName(dns)));
        }
        for (String ip : List.copyOf(ipAddresses)) {
            // BouncyCastle's GeneralName also accepts "addr/mask" (meant for name constraints);
            // a SAN must be a bare address, so validate before handing it over.
            if (!IPAddress.isValidIPv4(ip) && !IPAddress.isValidIPv6(ip)) {
                throw new IllegalArgumentException("not an IP address: " + ip);
            }
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a serving certificate needs at least one DNS name or IP address");
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        // keyEncipherment is meaningless for an EC key but kubeadm sets it and some old
        // clients still look for it; digitalSignature is what ECDHE handshakes need.
        return issue(subject, validity,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment),
                KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    /**
     * Issues a TLS client certificate in the form Kubernetes authenticates: the subject CN is
     * the user name and each O is a group.
     *
     * @param user     the user name, e.g. {@code "admin"} or {@code "system:node:worker-1"}
     * @param groups   the groups, e.g. {@code "system:masters"}; may be empty
     * @param validity how long the certificate is valid; capped at the CA's own expiry
     */
    public IssuedCertificate issueClient(String user, List<String> groups, Duration validity) {
        requireText(user, "user");
        var subject = new X500NameBuilder(BCStyle.INSTANCE);
        for (String group : List.copyOf(groups)) {
            subject.addRDN(BCStyle.O, requireText(group, "group"));
        }
        subject.addRDN(BCStyle.CN, user);
        return issue(subject.build(), validity, new KeyUsage(KeyUsage.digitalSignature),
                KeyPurposeId.id_kp_clientAuth, null);
    }

    /**
     * Signs a certificate for the key and subject of a request, as a Kubernetes signer does for an approved
     * CertificateSigningRequest: the subject and the DNS and IP subject alternative names are the request's,
     * the key usages are the CSR's {@code spec.usages} (Kubernetes' names: {@code "client auth"},
     * {@code "digital signature"}, ...). The request's signature was checked when it was parsed.
     *
     * @param validity how long the certificate is valid; capped at the CA's own expiry
     * @throws IllegalArgumentException for a usage this CA does not sign, or a request with other SANs
     */
    public X509Certificate sign(CertificateRequest request, List<String> usages, Duration validity) {
        Objects.requireNonNull(request, "request");
        if (request.hasOtherSubjectAltNames()) {
            throw new IllegalArgumentException("only DNS and IP subject alternative names are signed");
        }
        Usages parsed = Usages.of(usages);
        return build(request.subject(), request.publicKey(), validity, REQUEST_BACKDATE, parsed.keyUsage(),
                parsed.extendedKeyUsage(), request.subjectAltNamesForSigning());
    }

    /**
     * Whether this CA's key signed {@code cert} and {@code cert} is valid now.
     *
     * <p>TLS only proves the peer holds the key of <em>some</em> certificate the server's trust
     * manager accepted; with one listener serving several cells, each cell checks here that the
     * certificate came from its own CA. This does not check what the certificate is for: to
     * authenticate a user use {@link #authenticateClient(X509Certificate)}.
     */
    public boolean issued(X509Certificate cert) {
        return issued(cert, Instant.now());
    }

    boolean issued(X509Certificate cert, Instant at) {
        Objects.requireNonNull(cert, "cert");
        if (!cert.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
            return false; // cheap reject before the signature check
        }
        try {
            cert.verify(certificate.getPublicKey());
            cert.checkValidity(Date.from(at));
            return true;
        } catch (GeneralSecurityException e) {
            return false; // not signed by this CA's key, expired, or not yet valid
        }
    }

    /**
     * The user a client certificate authenticates, if this CA issued it, it is valid now, it is
     * a leaf (not a CA), it carries the clientAuth extended key usage, and its subject names
     * exactly one user. The clientAuth check stops a serving certificate of the same CA from
     * being replayed as a user whose name is the server's CN.
     */
    public Optional<ClientIdentity> authenticateClient(X509Certificate cert) {
        if (!issued(cert) || cert.getBasicConstraints() >= 0) {
            return Optional.empty();
        }
        try {
            List<String> usages = cert.getExtendedKeyUsage();
            if (usages == null || !usages.contains(KeyPurposeId.id_kp_clientAuth.getId())) {
                return Optional.empty();
            }
            return Optional.of(ClientIdentity.of(cert));
        } catch (CertificateParsingException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private IssuedCertificate issue(X500Name subject, Duration validity, KeyUsage keyUsage,
                                    KeyPurposeId purpose, GeneralNames subjectAltNames) {
        KeyPair keys = Keys.generateEcP256();
        X509Certificate cert = build(subject, keys.getPublic(), validity, CLOCK_SKEW, keyUsage, new ExtendedKeyUsage(purpose),
                subjectAltNames);
        return new IssuedCertificate(cert, keys.getPrivate());
    }

    private X509Certificate build(X500Name subject, PublicKey publicKey, Duration validity, Duration backdate, KeyUsage keyUsage,
                                  ExtendedKeyUsage extendedKeyUsage, GeneralNames subjectAltNames) {
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive: " + validity);
        }
        Instant now = Instant.now();
        // A certificate cannot outlive the CA that vouches for it (verification fails once
        // the CA expires), so cap it and let the leaf's notAfter tell the truth.
        Instant caNotAfter = certificate.getNotAfter().toInstant();
        Instant requested = now.plus(validity);
        Instant notAfter = requested.isAfter(caNotAfter) ? caNotAfter : requested;
        if (!notAfter.isAfter(now)) {
            throw new IllegalStateException("CA has expired: " + certificate.getSubjectX500Principal());
        }

        // The issuer is the CA subject's exact encoding, so name matching never depends on
        // how a DN string would round-trip.
        X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, Keys.newSerial(),
                Date.from(now.minus(backdate)), Date.from(notAfter), subject, publicKey);
        var extensions = extensionUtils();
        addExtension(builder, Extension.basicConstraints, true, new BasicConstraints(false));
        addExtension(builder, Extension.keyUsage, true, keyUsage);
        if (extendedKeyUsage != null) addExtension(builder, Extension.extendedKeyUsage, false, extendedKeyUsage);
        addExtension(builder, Extension.subjectKeyIdentifier, false,
                extensions.createSubjectKeyIdentifier(publicKey));
        addExtension(builder, Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(extensions));
        if (subjectAltNames != null) {
            // Non-critical: the subject is never empty here (RFC 5280 4.2.1.6).
            addExtension(builder, Extension.subjectAlternativeName, false, subjectAltNames);
        }
        return Keys.sign(builder, privateKey);
    }

    /**
     * The key identifier alone, copied from the CA's subject key identifier when it has one so
     * that chain building matches byte for byte. Issuer name and serial are left out on purpose:
     * they would tie leaves to this exact CA certificate and break a re-issued (renewed) CA
     * certificate over the same key.
     */
    private AuthorityKeyIdentifier authorityKeyIdentifier(JcaX509ExtensionUtils extensions) {
        byte[] ski = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ski != null) {
            byte[] keyId = ASN1OctetString.getInstance(ASN1OctetString.getInstance(ski).getOctets()).getOctets();
            return new AuthorityKeyIdentifier(keyId);
        }
        return extensions.createAuthorityKeyIdentifier(certificate.getPublicKey());
    }

    private static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is not available for key identifiers", e);
        }
    }

    private static void addExtension(X509v3CertificateBuilder builder,
                                     ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
        try {
            builder.addExtension(oid, critical, value);
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode extension " + oid, e);
        }
    }

    private static String requireDnsName(String name) {
        requireText(name, "dns name");
        // dNSName is an IA5String: internationalised names must arrive as punycode.
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("not a DNS name: " + name);
            }
        }
        return name;
    }

    private static String requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    @Override
    public String toString() {
        // Never the key.
        return "CertificateAuthority[" + certificate.getSubjectX500Principal() + "]";
    }
}
