package dev.pier.agent.join;

import dev.pier.pki.CertificateRequest;
import dev.pier.pki.IssuedCertificate;
import dev.pier.pki.Kubeconfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Joins a node to its cluster, as the kubelet's TLS bootstrap does:
 * <ol>
 *   <li>a client certificate for {@code system:node:<name>} (group {@code system:nodes}): the one in
 *       {@code pki/node.crt} while it is valid and not due for renewal, otherwise a new one, asked for with the
 *       bootstrap token through a CertificateSigningRequest that the cluster approves for valid tokens;</li>
 *   <li>{@code kubeconfig}, naming the CA and the client certificate files;</li>
 *   <li>the kubelet's serving certificate ({@code pki/kubelet.crt}, for the node's name and addresses), asked
 *       for with the node's own credentials.</li>
 * </ol>
 * Start-up of the agent: {@code NodeCredentials credentials = NodeBootstrap.join(options)}, then a
 * {@link CertificateRenewer} to keep both certificates fresh.
 */
public final class NodeBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(NodeBootstrap.class);
    static final String KUBELET_CLIENT = "kubernetes.io/kube-apiserver-client-kubelet";
    static final String KUBELET_SERVING = "kubernetes.io/kubelet-serving";
    static final String NODES = "system:nodes";

    private NodeBootstrap() {
    }

    /**
     * Makes sure the node has valid credentials, asking the cluster for what is missing or due.
     *
     * @throws JoinException when the cluster does not issue a certificate (bad or expired token: 401; denied)
     */
    public static NodeCredentials join(JoinOptions options) {
        return join(options, Clock.systemUTC());
    }

    static NodeCredentials join(JoinOptions options, Clock clock) {
        NodeCredentials credentials = new NodeCredentials(options.dataDir().toAbsolutePath());
        try {
            Files.createDirectories(credentials.pki(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            String ca = Files.readString(options.caFile());
            CredentialFiles.write(credentials.caCertificate(), ca, false);
            CredentialFiles.write(credentials.kubeconfig(), kubeconfig(options, credentials, ca), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the node's credentials under " + options.dataDir(), e);
        }
        Optional<IssuedCertificate> client = CredentialFiles.load(credentials.clientCertificate(), credentials.clientKey());
        if (client.isPresent() && isFor(client.get(), options.nodeName()) && CredentialFiles.fresh(client.get().certificate(), clock.instant())) {
            LOG.info("Node {} keeps its client certificate (valid until {})", options.nodeName(), client.get().certificate().getNotAfter().toInstant());
        } else {
            if (options.bootstrapToken() == null || options.bootstrapToken().isBlank()) {
                throw new JoinException("node " + options.nodeName() + " has no valid client certificate in " + credentials.pki()
                        + " and no bootstrap token to ask for one");
            }
            try (KubernetesClient bootstrap = new KubernetesClientBuilder().withConfig(bootstrapConfig(options)).build()) {
                renewClient(bootstrap, options, credentials);
            }
        }
        Optional<IssuedCertificate> serving = CredentialFiles.load(credentials.servingCertificate(), credentials.servingKey());
        if (serving.isEmpty() || !CredentialFiles.fresh(serving.get().certificate(), clock.instant())
                || !names(serving.get().certificate()).containsAll(wantedServingNames(options))) {
            try (KubernetesClient node = new KubernetesClientBuilder().withConfig(credentials.config()).build()) {
                renewServing(node, options, credentials);
            }
        }
        return credentials;
    }

    /** A new client certificate for the node, asked for with {@code client}'s credentials; replaces the files. */
    static void renewClient(KubernetesClient client, JoinOptions options, NodeCredentials credentials) {
        CertificateRequest.KeyAndRequest request = CertificateRequest.generate("system:node:" + options.nodeName(), List.of(NODES),
                List.of(), List.of());
        String certificate = CertificateRequester.request(client, request, KUBELET_CLIENT, List.of("digital signature", "client auth"),
                options.certificateDuration(), options.timeout());
        write(credentials.clientCertificate(), credentials.clientKey(), certificate, request);
        LOG.info("Node {} has a new client certificate", options.nodeName());
    }

    /** A new serving certificate for the node's name and addresses, asked for with the node's credentials. */
    static void renewServing(KubernetesClient client, JoinOptions options, NodeCredentials credentials) {
        CertificateRequest.KeyAndRequest request = CertificateRequest.generate("system:node:" + options.nodeName(), List.of(NODES),
                List.of(options.nodeName()), options.nodeIps());
        String certificate = CertificateRequester.request(client, request, KUBELET_SERVING, List.of("digital signature", "server auth"),
                options.certificateDuration(), options.timeout());
        write(credentials.servingCertificate(), credentials.servingKey(), certificate, request);
        LOG.info("Node {} has a new serving certificate for {} {}", options.nodeName(), options.nodeName(), options.nodeIps());
    }

    private static void write(Path certificate, Path key, String certificatePem, CertificateRequest.KeyAndRequest request) {
        try {
            CredentialFiles.writePair(certificate, key, certificatePem, request.privateKeyPem());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + certificate, e);
        }
    }

    /** The fabric8 configuration of a node that has only its bootstrap token. */
    static Config bootstrapConfig(JoinOptions options) {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(options.server().toString())
                .withCaCertFile(options.caFile().toAbsolutePath().toString())
                .withOauthToken(options.bootstrapToken())
                .build();
    }

    private static String kubeconfig(JoinOptions options, NodeCredentials credentials, String ca) {
        return Kubeconfig.builder()
                .server(options.server().toString())
                .certificateAuthorityPem(ca)
                .clusterName("pier")
                .userName("system:node:" + options.nodeName())
                .contextName("system:node:" + options.nodeName() + "@pier")
                .clientCertificateFiles(credentials.clientCertificate().toString(), credentials.clientKey().toString())
                .build()
                .toYaml();
    }

    private static boolean isFor(IssuedCertificate certificate, String node) {
        try {
            return certificate.identity().user().equals("system:node:" + node);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Set<String> wantedServingNames(JoinOptions options) {
        Set<String> names = new HashSet<>(options.nodeIps());
        names.add(options.nodeName());
        return names;
    }

    private static Set<String> names(X509Certificate certificate) {
        Set<String> out = new HashSet<>();
        try {
            if (certificate.getSubjectAlternativeNames() == null) return out;
            for (List<?> san : certificate.getSubjectAlternativeNames()) out.add(String.valueOf(san.get(1)));
        } catch (CertificateParsingException e) {
            return out;
        }
        return out;
    }
}
