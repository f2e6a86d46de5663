package dev.pier.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pier.pki.IssuedCertificate;
import dev.pier.pki.Tls;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The management kubeconfig {@code pier up} and {@code pier server} write: the server's URL, its CA and the admin's
 * client certificate, all inline (base64 {@code -data} fields). The cluster commands reach the {@code /v1} API with it.
 */
record ManagementKubeconfig(Path source, String server, String caPem, String certificatePem, String keyPem) {
    static final String ENVIRONMENT_VARIABLE = "PIER_KUBECONFIG";
    static final Path DEFAULT = Path.of("pier-data", "kubeconfig");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * The file to use: {@code flag} if given, else {@code $PIER_KUBECONFIG}, else {@code ./pier-data/kubeconfig}.
     *
     * @throws LocalProblem naming where it looked, when that file does not exist
     */
    static Path locate(Path flag, String environment) {
        Path file;
        String from;
        if (flag != null) {
            file = flag;
            from = "--kubeconfig";
        } else if (environment != null && !environment.isBlank()) {
            file = Path.of(environment);
            from = "$" + ENVIRONMENT_VARIABLE;
        } else {
            file = DEFAULT;
            from = "the default, as no --kubeconfig or $" + ENVIRONMENT_VARIABLE + " was given";
        }
        if (!Files.isRegularFile(file)) {
            throw new LocalProblem("no management kubeconfig at " + file.toAbsolutePath() + " (" + from + "). "
                    + "pier up (or pier server) writes one to pier-data/kubeconfig in its data directory; run pier from "
                    + "the directory holding pier-data, or name the file with --kubeconfig or $" + ENVIRONMENT_VARIABLE);
        }
        return file;
    }

    static ManagementKubeconfig read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new LocalProblem("cannot read the kubeconfig " + file + ": " + e.getMessage(), e);
        }
        JsonNode cluster = root.path("clusters").path(0).path("cluster");
        JsonNode user = root.path("users").path(0).path("user");
        return new ManagementKubeconfig(file, required(file, cluster, "server", false),
                required(file, cluster, "certificate-authority-data", true),
                required(file, user, "client-certificate-data", true), required(file, user, "client-key-data", true));
    }

    /** TLS that trusts only the kubeconfig's CA and presents its admin certificate. */
    SSLContext sslContext() {
        try {
            return Tls.sslContext(IssuedCertificate.fromPem(certificatePem, keyPem), List.of(), authorities());
        } catch (IllegalArgumentException e) {
            throw new LocalProblem("the credentials in " + source + " do not load: " + e.getMessage(), e);
        }
    }

    private List<X509Certificate> authorities() {
        try {
            List<X509Certificate> anchors = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var certificate : factory.generateCertificates(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
                anchors.add((X509Certificate) certificate);
            }
            return anchors;
        } catch (CertificateException e) {
            throw new LocalProblem("the CA in " + source + " does not load: " + e.getMessage(), e);
        }
    }

    private static String required(Path file, JsonNode parent, String field, boolean base64) {
        JsonNode value = parent.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new LocalProblem(file + " has no " + field + " in its first cluster or user: the cluster commands need "
                    + "the kubeconfig pier up or pier server wrote, with inline credentials");
        }
        if (!base64) return value.asText();
        try {
            return new String(Base64.getDecoder().decode(value.asText().trim()), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new LocalProblem(file + ": " + field + " is not base64", e);
        }
    }
}
