package dev.pier.agent.join;

import io.fabric8.kubernetes.client.Config;
import dev.pier.pki.Certificates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * Where a joined node's credentials are, under the agent's data directory:
 * {@code pki/ca.crt}, {@code pki/node.crt} + {@code pki/node.key} (client certificate for
 * {@code system:node:<name>}), {@code pki/kubelet.crt} + {@code pki/kubelet.key} (the agent's serving
 * certificate) and {@code kubeconfig}, which names the client certificate files. Renewal replaces the files;
 * read them again (or call {@link #config()} again) to pick up a renewed certificate.
 */
public record NodeCredentials(Path dataDir) {
    public Path pki() {
        return dataDir.resolve("pki");
    }

    public Path caCertificate() {
        return pki().resolve("ca.crt");
    }

    public Path clientCertificate() {
        return pki().resolve("node.crt");
    }

    public Path clientKey() {
        return pki().resolve("node.key");
    }

    public Path servingCertificate() {
        return pki().resolve("kubelet.crt");
    }

    public Path servingKey() {
        return pki().resolve("kubelet.key");
    }

    public Path kubeconfig() {
        return dataDir.resolve("kubeconfig");
    }

    /** A fabric8 configuration from the node's kubeconfig, with the client certificate as it is now on disk. */
    public Config config() {
        return Config.fromKubeconfig(kubeconfig().toFile());
    }

    /** The node's client certificate as it is now on disk. */
    public X509Certificate currentClientCertificate() {
        return read(clientCertificate());
    }

    /** The kubelet serving certificate as it is now on disk. */
    public X509Certificate currentServingCertificate() {
        return read(servingCertificate());
    }

    private static X509Certificate read(Path file) {
        try {
            return Certificates.parse(Files.readString(file)).getFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
