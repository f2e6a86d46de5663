package dev.pier.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

    private static final Duration DAY = Duration.ofDays(1);
    // Shared: key generation is cheap, but one CA is enough for most assertions.
    private static final CertificateAuthority CA = CertificateAuthority.generate("pier-test-ca");

    @Test
    void generatedCaIsASelfSignedP256CaValidForTenYears() throws Exception {
        X509Certificate cert = CA.certificate();

        cert.verify(cert.getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=pier-test-ca");
        assertThat(cert.getIssuerX500Principal()).isEqualTo(cert.getSubjectX500Principal());
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(256);
        assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(cert.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(),
                Extension.keyUsage.getId());
        // digitalSignature(0), keyCertSign(5), cRLSign(6)
        assertThat(cert.getKeyUsage()).containsExactly(true, false, false, false, false, true, true, false, false);
        assertThat(cert.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();

        BigInteger serial = cert.getSerialNumber();
        assertThat(serial.signum()).isPositive();
        assertThat(serial.bitLength()).isEqualTo(128);
        assertThat(CertificateAuthority.generate("other").certificate().getSerialNumber()).isNotEqualTo(serial);

        Instant now = Instant.now();
        assertThat(cert.getNotBefore().toInstant())
                .isBetween(now.minus(Duration.ofMinutes(61)), now.minus(Duration.ofMinutes(59)));
        assertThat(Duration.between(now, cert.getNotAfter().toInstant()).toDays()).isBetween(3650L, 3653L);
    }

    @Test
    void caSurvivesAPemRoundTrip() throws Exception {
        String certPem = CA.certificatePem();
        String keyPem = CA.privateKeyPem();
        assertThat(certPem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");

        CertificateAuthority reloaded = CertificateAuthority.fromPem(certPem, keyPem);

        assertThat(reloaded.certificate().getEncoded()).isEqualTo(CA.certificate().getEncoded());
        assertThat(reloaded.privateKeyPem()).isEqualTo(keyPem);
        // The reloaded key really is the CA key: what it issues verifies against the original.
        IssuedCertificate leaf = reloaded.issueClient("alice", List.of(), DAY);
        leaf.certificate().verify(CA.certificate().getPublicKey());
        assertThat(CA.issued(leaf.certificate())).isTrue();
    }

    @Test
    void fromPemAcceptsOpenSslTraditionalEcKeys() throws Exception {
        // What `openssl ecparam -name prime256v1 -genkey` writes: an "EC PARAMETERS" block naming
        // the curve, then the SEC 1 "EC PRIVATE KEY" carrying the same curve OID.
        var pkcs8 = PrivateKeyInfo.getInstance(Pem.privateKey(CA.privateKeyPem()).getEncoded());
        var curve = pkcs8.getPrivateKeyAlgorithm().getParameters();
        var sec1 = ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
        var traditional = new ECPrivateKey(256, sec1.getKey(), curve);
        String pem = pem("EC PARAMETERS", curve.toASN1Primitive().getEncoded())
                + pem("EC PRIVATE KEY", traditional.getEncoded());

        var reloaded = CertificateAuthority.fromPem(CA.certificatePem(), pem);
        // Same key, though the JDK re-encodes it slightly differently (curve repeated inside).
        assertThat(((java.security.interfaces.ECPrivateKey) Pem.privateKey(reloaded.privateKeyPem())).getS())
                .isEqualTo(sec1.getKey());
        assertThat(CA.issued(reloaded.issueClient("imported", List.of(), DAY).certificate())).isTrue();
    }

    @Test
    void fromPemRejectsEncryptedKeys() {
        String encrypted = pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x00});
        assertThatThrownBy(() -> CertificateAuthority.fromPem(CA.certificatePem(), encrypted))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fromPemRejectsMismatchedKeysNonCasAndGarbage() {
        var other = CertificateAuthority.generate("other");
        assertThatThrownBy(() -> CertificateAuthority.fromPem(CA.certificatePem(), other.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");

        IssuedCertificate leaf = CA.issueClient("bob", List.of(), DAY);
        assertThatThrownBy(() -> CertificateAuthority.fromPem(leaf.certificatePem(), leaf.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a CA");

        assertThatThrownBy(() -> CertificateAuthority.fromPem("nonsense", CA.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateAuthority.fromPem(CA.certificatePem(), CA.certificatePem()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateAuthority.fromPem(CA.certificatePem(), ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void servingCertificateChainsToTheCaWithItsSans() throws Exception {
        IssuedCertificate serving = CA.issueServing("kube-apiserver",
                List.of("kubernetes.default.svc", "*.cell-1.pier.dev"),
                List.of("127.0.0.1", "10.96.0.1", "::1"), Duration.ofDays(30));
        X509Certificate cert = serving.certificate();

        cert.verify(CA.certificate().getPublicKey());
        validatePath(cert);
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=kube-apiserver");
        assertThat(cert.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(2, "kubernetes.default.svc"),
                List.of(2, "*.cell-1.pier.dev"),
                List.of(7, "127.0.0.1"),
                List.of(7, "10.96.0.1"),
                List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // serverAuth
        // digitalSignature(0), keyEncipherment(2)
        assertThat(cert.getKeyUsage()).containsExactly(true, false, true, false, false, false, false, false, false);
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(authorityKeyId(cert)).isEqualTo(subjectKeyId(CA.certificate()));
        assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toDays()).isIn(29L, 30L);
        assertThat(cert.getNotBefore()).isBefore(Date.from(Instant.now().minus(Duration.ofMinutes(59))));
    }

    @Test
    void servingCertificateRejectsBadNames() {
        assertThatThrownBy(() -> CA.issueServing("x", List.of(), List.of(), DAY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> CA.issueServing("x", List.of(), List.of("10.0.0.0/8"), DAY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CA.issueServing("x", List.of(), List.of("localhost"), DAY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CA.issueServing("x", List.of("has space"), List.of(), DAY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CA.issueServing("x", List.of("bücher.example"), List.of(), DAY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CA.issueServing("x", List.of("a.example"), List.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clientCertificateNamesUserAndGroups() throws Exception {
        IssuedCertificate client = CA.issueClient("admin", List.of("system:masters", "pier:ops"), DAY);
        X509Certificate cert = client.certificate();

        validatePath(cert);
        assertThat(ClientIdentity.of(cert))
                .isEqualTo(new ClientIdentity("admin", List.of("system:masters", "pier:ops")));
        assertThat(client.identity()).isEqualTo(ClientIdentity.of(cert));
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // clientAuth
        assertThat(cert.getKeyUsage()[0]).isTrue();
        assertThat(authorityKeyId(cert)).isEqualTo(subjectKeyId(CA.certificate()));
        // Kubernetes reads O as groups and CN as user: what `openssl x509 -subject` would show.
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=admin,O=pier:ops,O=system:masters");
    }

    @Test
    void clientIdentityIsParsedNotSplit() {
        // DN metacharacters inside a value must not turn into extra groups or users.
        var tricky = CA.issueClient("eve,O=system:masters", List.of("a+CN=root", "b\"c\\d"), DAY);
        assertThat(ClientIdentity.of(tricky.certificate()))
                .isEqualTo(new ClientIdentity("eve,O=system:masters", List.of("a+CN=root", "b\"c\\d")));

        var nobody = CA.issueClient("system:anonymous", List.of(), DAY);
        assertThat(ClientIdentity.of(nobody.certificate()).groups()).isEmpty();
    }

    @Test
    void clientIdentityRequiresExactlyOneCommonName() throws Exception {
        KeyPair keys = Keys.generateEcP256();
        var name = new X500Name("O=system:masters");
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(Instant.now().minus(1, ChronoUnit.HOURS)), Date.from(Instant.now().plus(DAY)),
                name, keys.getPublic());
        X509Certificate noCn = Keys.sign(builder, keys.getPrivate());
        assertThatThrownBy(() -> ClientIdentity.of(noCn)).isInstanceOf(IllegalArgumentException.class);

        var twoCns = new X500Name("CN=a,CN=b");
        X509Certificate twoCn = Keys.sign(new JcaX509v3CertificateBuilder(twoCns, BigInteger.ONE,
                Date.from(Instant.now().minus(1, ChronoUnit.HOURS)), Date.from(Instant.now().plus(DAY)),
                twoCns, keys.getPublic()), keys.getPrivate());
        assertThatThrownBy(() -> ClientIdentity.of(twoCn)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void issuedOnlyForThisCasCertificatesWithinValidity() {
        var other = CertificateAuthority.generate("pier-test-ca"); // same name, different key
        X509Certificate mine = CA.issueClient("alice", List.of(), DAY).certificate();
        X509Certificate theirs = other.issueClient("alice", List.of(), DAY).certificate();

        assertThat(CA.issued(mine)).isTrue();
        assertThat(CA.issued(theirs)).isFalse();
        assertThat(other.issued(mine)).isFalse();
        assertThat(CA.issued(other.certificate())).isFalse();

        Instant now = Instant.now();
        assertThat(CA.issued(mine, now.plus(Duration.ofDays(2)))).as("expired").isFalse();
        assertThat(CA.issued(mine, now.minus(Duration.ofHours(2)))).as("not yet valid").isFalse();
        assertThat(CA.issued(mine, now.minus(Duration.ofMinutes(30)))).as("within clock skew").isTrue();
    }

    @Test
    void authenticateClientAcceptsOnlyClientCertificates() {
        var client = CA.issueClient("alice", List.of("dev"), DAY);
        var serving = CA.issueServing("alice", List.of("alice.example"), List.of(), DAY);
        var foreign = CertificateAuthority.generate("x").issueClient("alice", List.of("dev"), DAY);

        assertThat(CA.authenticateClient(client.certificate()))
                .contains(new ClientIdentity("alice", List.of("dev")));
        assertThat(CA.authenticateClient(serving.certificate())).as("serverAuth only").isEmpty();
        assertThat(CA.authenticateClient(CA.certificate())).as("the CA itself").isEmpty();
        assertThat(CA.authenticateClient(foreign.certificate())).as("another CA").isEmpty();
    }

    @Test
    void leafValidityIsCappedAtTheCasExpiry() {
        var leaf = CA.issueClient("long-lived", List.of(), Duration.ofDays(365 * 50));
        assertThat(leaf.certificate().getNotAfter()).isEqualTo(CA.certificate().getNotAfter());
    }

    @Test
    void issuedCertificateSurvivesAPemRoundTripAndHidesItsKey() {
        var leaf = CA.issueServing("svc", List.of("svc.example"), List.of(), DAY);
        var reloaded = IssuedCertificate.fromPem(leaf.certificatePem(), leaf.privateKeyPem());

        assertThat(reloaded.certificate()).isEqualTo(leaf.certificate());
        assertThat(reloaded.privateKey().getEncoded()).isEqualTo(leaf.privateKey().getEncoded());
        assertThat(leaf.toString()).contains("CN=svc").doesNotContain("PRIVATE");
        assertThat(CA.toString()).contains("pier-test-ca");

        var other = CA.issueServing("svc", List.of("svc.example"), List.of(), DAY);
        assertThatThrownBy(() -> IssuedCertificate.fromPem(leaf.certificatePem(), other.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pemBundlesParseInOrder() {
        var other = CertificateAuthority.generate("other");
        String bundle = CA.certificatePem() + other.certificatePem();
        assertThat(Pem.certificates(bundle)).containsExactly(CA.certificate(), other.certificate());
        assertThatThrownBy(() -> Pem.certificate(bundle)).isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> Pem.certificate(CA.certificatePem().replace("\n", "\r\n"))).doesNotThrowAnyException();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Full PKIX validation against the CA as the only trust anchor, as a TLS peer would do. */
    private static void validatePath(X509Certificate leaf) throws Exception {
        var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf));
        var params = new PKIXParameters(Set.of(new TrustAnchor(CA.certificate(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(path, params);
    }

    private static byte[] subjectKeyId(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        return ASN1OctetString.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getOctets();
    }

    private static byte[] authorityKeyId(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.authorityKeyIdentifier.getId());
        var aki = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets());
        assertThat(aki.getAuthorityCertIssuer()).as("no issuer/serial in AKI").isNull();
        return aki.getKeyIdentifier();
    }
}
