package dev.pier.pki;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * Kubernetes' key usage names ({@code certificates.k8s.io/v1 KeyUsage}) as X.509 key usage bits and
 * extended key usages. Only the usages a cluster's signers issue are accepted: a CA that signs whatever
 * is asked (code signing, CA certificates) would be a hole.
 */
record Usages(KeyUsage keyUsage, ExtendedKeyUsage extendedKeyUsage) {
    private static final Map<String, Integer> KEY_USAGES = Map.of(
            "digital signature", KeyUsage.digitalSignature,
            "signing", KeyUsage.digitalSignature,
            "key encipherment", KeyUsage.keyEncipherment);
    private static final Map<String, KeyPurposeId> EXTENDED = Map.of(
            "client auth", KeyPurposeId.id_kp_clientAuth,
            "server auth", KeyPurposeId.id_kp_serverAuth);

    static Usages of(List<String> usages) {
        int bits = 0;
        List<KeyPurposeId> purposes = new ArrayList<>();
        for (String u : usages) {
            if (KEY_USAGES.containsKey(u)) bits |= KEY_USAGES.get(u);
            else if (EXTENDED.containsKey(u)) {
                if (!purposes.contains(EXTENDED.get(u))) purposes.add(EXTENDED.get(u));
            } else throw new IllegalArgumentException("usage \"" + u + "\" is not signed by this CA");
        }
        return new Usages(bits == 0 ? new KeyUsage(KeyUsage.digitalSignature) : new KeyUsage(bits),
                purposes.isEmpty() ? null : new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
    }
}
