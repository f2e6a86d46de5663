package dev.pier.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

class CertificateRequestTest {
    private static final CertificateAuthority CA = CertificateAuthority.generate("pier-csr-test");

    @Test
    void aGeneratedRequestParsesWithItsSubjectAndNames() {
        var generated = CertificateRequest.generate("system:node:n1", List.of("system:nodes"), List.of("n1"), List.of("10.0.0.7"));
        assertThat(generated.requestPem()).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n");
        assertThat(generated.privateKeyPem()).startsWith("-----BEGIN EC PRIVATE KEY-----\n");
        CertificateRequest parsed = CertificateRequest.parse(generated.requestPem());
        assertThat(parsed.commonNames()).containsExactly("system:node:n1");
        assertThat(parsed.organizations()).containsExactly("system:nodes");
        assertThat(parsed.hasOtherSubjectAttributes()).isFalse();
        assertThat(parsed.dnsNames()).containsExactly("n1");
        assertThat(parsed.ipAddresses()).containsExactly("10.0.0.7");
        assertThat(parsed.hasOtherSubjectAltNames()).isFalse();
    }

    @Test
    void theCaSignsTheRequestersKeyWithTheRequestedUsages() throws Exception {
        var generated = CertificateRequest.generate("system:node:n1", List.of("system:nodes"), List.of(), List.of());
        X509Certificate cert = CA.sign(CertificateRequest.parse(generated.requestPem()),
                List.of("digital signature", "key encipherment", "client auth"), Duration.ofHours(2));
        cert.verify(CA.certificate().getPublicKey());
        assertThat(Keys.matches(generated.privateKey(), cert)).as("the certificate is for the requester's key").isTrue();
        assertThat(CA.authenticateClient(cert)).hasValueSatisfying(id -> {
            assertThat(id.user()).isEqualTo("system:node:n1");
            assertThat(id.groups()).containsExactly("system:nodes");
        });
        assertThat(cert.getNotAfter().toInstant()).isBetween(Instant.now().plus(Duration.ofMinutes(119)), Instant.now().plus(Duration.ofHours(2)));
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getKeyUsage()[2]).as("keyEncipherment").isTrue();
        // and the key and certificate work together as a client credential
        assertThat(IssuedCertificate.fromPem(Certificates.toPem(cert), generated.privateKeyPem()).identity().user())
                .isEqualTo("system:node:n1");
    }

    @Test
    void aServingCertificateCarriesTheRequestedSans() throws Exception {
        var generated = CertificateRequest.generate("system:node:n2", List.of("system:nodes"), List.of("n2"), List.of("10.0.0.8"));
        X509Certificate cert = CA.sign(CertificateRequest.parse(generated.requestPem()),
                List.of("digital signature", "server auth"), Duration.ofDays(1));
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(cert.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList()).containsExactlyInAnyOrder("n2", "10.0.0.8");
        assertThat(CA.authenticateClient(cert)).as("a serving certificate is no client credential").isEmpty();
    }

    @Test
    void unknownUsagesAreNotSigned() {
        var generated = CertificateRequest.generate("x", List.of(), List.of(), List.of());
        assertThatThrownBy(() -> CA.sign(CertificateRequest.parse(generated.requestPem()), List.of("code signing"), Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code signing");
    }

    @Test
    void aTamperedOrForeignPemIsRefused() {
        String pem = CertificateRequest.generate("system:node:n1", List.of("system:nodes"), List.of(), List.of()).requestPem();
        String body = pem.replaceAll("-----[A-Z ]+-----|\\n", "");
        byte[] der = Base64.getDecoder().decode(body);
        der[der.length - 5] ^= 0x01; // inside the signature
        String tampered = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
        assertThatThrownBy(() -> CertificateRequest.parse(tampered)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CertificateRequest.parse(CA.certificatePem())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a CERTIFICATE REQUEST");
        assertThatThrownBy(() -> CertificateRequest.parse("hello")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKubeconfigCanNameCertificateFiles() {
        String yaml = Kubeconfig.builder().server("https://10.0.0.1:6443").certificateAuthority(CA.certificate())
                .clusterName("c").userName("u").contextName("ctx")
                .clientCertificateFiles("/var/lib/pier-agent/pki/node.crt", "/var/lib/pier-agent/pki/node.key")
                .build().toYaml();
        assertThat(yaml).contains("    client-certificate: \"/var/lib/pier-agent/pki/node.crt\"\n",
                "    client-key: \"/var/lib/pier-agent/pki/node.key\"\n");
    }
}
