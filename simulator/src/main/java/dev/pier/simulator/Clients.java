package dev.pier.simulator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/** A fabric8 client from a Pier kubeconfig, as any out-of-process component connects. */
public final class Clients {
    private Clients() {
    }

    public static KubernetesClient fromKubeconfig(Path kubeconfig) throws IOException {
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        // fabric8 guesses a PKCS#8 key to be RSA; Pier's keys may be EC: say which
        String keyPem = config.getClientKeyData() == null ? null : new String(Base64.getDecoder().decode(config.getClientKeyData()));
        if (keyPem != null) config.setClientKeyAlgo(keyAlgorithm(keyPem));
        config.setOnlyHttpWatches(true);
        config.setRequestTimeout(30_000);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** The algorithm of a PEM private key (EC, RSA or Ed25519), which fabric8 must be told. */
    public static String keyAlgorithm(String pem) {
        if (pem.contains("BEGIN EC PRIVATE KEY")) return "EC";
        if (pem.contains("BEGIN RSA PRIVATE KEY")) return "RSA";
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
            try {
                KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                return algorithm;
            } catch (GeneralSecurityException notThis) {
                // try the next one
            }
        }
        throw new IllegalStateException("unknown private key type");
    }
}
