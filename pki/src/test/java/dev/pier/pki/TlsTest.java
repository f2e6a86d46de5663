package dev.pier.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.X509KeyManager;

import org.junit.jupiter.api.Test;

class TlsTest {

    private static final CertificateAuthority CA = CertificateAuthority.generate("pier-tls-ca");

    @Test
    void keyStoreHoldsTheKeyAndChain() throws Exception {
        var leaf = CA.issueServing("api", List.of("api.example"), List.of(), Duration.ofDays(1));
        KeyStore store = Tls.keyStore(leaf, List.of(CA.certificate()));

        assertThat(store.getKey("pier", Tls.KEY_PASSWORD)).isEqualTo(leaf.privateKey());
        assertThat(store.getCertificateChain("pier")).containsExactly(leaf.certificate(), CA.certificate());

        var keyManager = (X509KeyManager) Tls.keyManagerFactory(leaf, List.of()).getKeyManagers()[0];
        String alias = keyManager.chooseServerAlias("EC", null, null);
        assertThat(alias).isNotNull();
        PrivateKey key = keyManager.getPrivateKey(alias);
        assertThat(key).isEqualTo(leaf.privateKey());
        assertThat(keyManager.getCertificateChain(alias)).containsExactly(leaf.certificate());
    }

    @Test
    void trustStoreTrustsExactlyTheAnchors() throws Exception {
        var other = CertificateAuthority.generate("other");
        KeyStore store = Tls.trustStore(List.of(CA.certificate(), other.certificate()));
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.getCertificateAlias(other.certificate())).isNotNull();
        assertThatThrownBy(() -> Tls.trustStore(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(Tls.sslContext(null, List.of(), List.of(CA.certificate())).getProtocol()).isEqualTo("TLS");
    }
}
