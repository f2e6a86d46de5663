package dev.pier.pki;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Objects;

/**
 * A kubeconfig with one cluster, one user and one context, rendered as YAML for kubectl and
 * client libraries.
 *
 * <pre>{@code
 * String yaml = Kubeconfig.builder()
 *         .server("https://203.0.113.7:6443")
 *         .certificateAuthority(ca.certificate())
 *         .clusterName("prod").userName("admin").contextName("admin@prod")
 *         .clientCertificate(ca.issueClient("admin", List.of("system:masters"), Duration.ofDays(365)))
 *         .build()
 *         .toYaml();
 * }</pre>
 *
 * <p>The YAML is written by hand: it is a fixed shape, and every value is emitted as a
 * double-quoted scalar with escapes, so no name or token can change the structure.
 */
public final class Kubeconfig {

    private final String server;
    private final String certificateAuthorityPem;
    private final String clusterName;
    private final String userName;
    private final String contextName;
    private final IssuedCertificate clientCertificate;
    private final String token;
    private final String clientCertificateFile;
    private final String clientKeyFile;

    private Kubeconfig(Builder builder) {
        this.server = requireText(builder.server, "server");
        this.certificateAuthorityPem = requireText(builder.certificateAuthorityPem, "certificateAuthority");
        this.clusterName = requireText(builder.clusterName, "clusterName");
        this.userName = requireText(builder.userName, "userName");
        this.contextName = requireText(builder.contextName, "contextName");
        int credentials = (builder.clientCertificate == null ? 0 : 1) + (builder.token == null ? 0 : 1)
                + (builder.clientCertificateFile == null ? 0 : 1);
        if (credentials != 1) {
            throw new IllegalStateException("exactly one of clientCertificate, clientCertificateFiles and token is required");
        }
        this.clientCertificateFile = builder.clientCertificateFile;
        this.clientKeyFile = builder.clientKeyFile;
        this.clientCertificate = builder.clientCertificate;
        this.token = builder.token == null ? null : requireText(builder.token, "token");
    }

    /** A builder; server, CA, the three names and one credential are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The kubeconfig as YAML, "\n" line endings. Contains credentials: treat it as a secret. */
    public String toYaml() {
        var yaml = new StringBuilder(4096)
                .append("apiVersion: v1\n")
                .append("kind: Config\n")
                .append("clusters:\n")
                .append("- name: ").append(quote(clusterName)).append('\n')
                .append("  cluster:\n")
                .append("    server: ").append(quote(server)).append('\n')
                .append("    certificate-authority-data: ").append(quote(base64(certificateAuthorityPem))).append('\n')
                .append("users:\n")
                .append("- name: ").append(quote(userName)).append('\n')
                .append("  user:\n");
        if (clientCertificate != null) {
            yaml.append("    client-certificate-data: ")
                    .append(quote(base64(clientCertificate.certificatePem()))).append('\n')
                    .append("    client-key-data: ")
                    .append(quote(base64(Pem.kubeconfigPrivateKey(clientCertificate.privateKey())))).append('\n');
        } else if (clientCertificateFile != null) {
            yaml.append("    client-certificate: ").append(quote(clientCertificateFile)).append('\n')
                    .append("    client-key: ").append(quote(clientKeyFile)).append('\n');
        } else {
            yaml.append("    token: ").append(quote(token)).append('\n');
        }
        return yaml
                .append("contexts:\n")
                .append("- name: ").append(quote(contextName)).append('\n')
                .append("  context:\n")
                .append("    cluster: ").append(quote(clusterName)).append('\n')
                .append("    user: ").append(quote(userName)).append('\n')
                .append("current-context: ").append(quote(contextName)).append('\n')
                .append("preferences: {}\n")
                .toString();
    }

    @Override
    public String toString() {
        // Never the credentials.
        return "Kubeconfig[" + contextName + " -> " + server + "]";
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A YAML double-quoted scalar. Besides quote and backslash, every control character and
     * the Unicode line breaks (NEL, LS, PS) and BOM are escaped, since YAML parsers treat them
     * as line breaks or reject them.
     */
    static String quote(String value) {
        var quoted = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                default -> {
                    if (Character.isSurrogate(c) && !validSurrogate(value, i)) {
                        throw new IllegalArgumentException("malformed UTF-16 (lone surrogate) in a kubeconfig value");
                    }
                    if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    /** Whether the surrogate at {@code i} is half of a well-formed pair; a lone one has no UTF-8 form. */
    private static boolean validSurrogate(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(what + " is required");
        }
        return value;
    }

    /** Collects the parts of a {@link Kubeconfig}. Not thread-safe. */
    public static final class Builder {

        private String server;
        private String certificateAuthorityPem;
        private String clusterName;
        private String userName;
        private String contextName;
        private IssuedCertificate clientCertificate;
        private String token;
        private String clientCertificateFile;
        private String clientKeyFile;

        private Builder() {
        }

        /**
         * The API server URL, e.g. {@code https://203.0.113.7:6443}.
         *
         * @throws IllegalArgumentException unless it is an absolute http(s) URL with a host
         */
        public Builder server(String url) {
            try {
                URI uri = new URI(Objects.requireNonNull(url, "url"));
                if (uri.getHost() == null
                        || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
                    throw new IllegalArgumentException("server must be an http(s) URL with a host: " + url);
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("server is not a URL: " + url, e);
            }
            this.server = url;
            return this;
        }

        /** The CA clients verify the API server's certificate against. */
        public Builder certificateAuthority(X509Certificate certificate) {
            this.certificateAuthorityPem = Pem.certificate(Objects.requireNonNull(certificate, "certificate"));
            return this;
        }

        /**
         * The CA as PEM; may hold several certificates, e.g. old and new CA while rotating.
         *
         * @throws IllegalArgumentException if it holds no parsable certificate
         */
        public Builder certificateAuthorityPem(String pem) {
            if (Pem.certificates(pem).isEmpty()) {
                throw new IllegalArgumentException("no certificate in CA PEM");
            }
            this.certificateAuthorityPem = pem;
            return this;
        }

        /** The name of the cluster entry. */
        public Builder clusterName(String name) {
            this.clusterName = name;
            return this;
        }

        /** The name of the user entry. */
        public Builder userName(String name) {
            this.userName = name;
            return this;
        }

        /** The name of the context, which also becomes the current context. */
        public Builder contextName(String name) {
            this.contextName = name;
            return this;
        }

        /** Authenticate with a client certificate; excludes {@link #token}. */
        public Builder clientCertificate(IssuedCertificate certificate) {
            this.clientCertificate = Objects.requireNonNull(certificate, "certificate");
            return this;
        }

        /**
         * Authenticate with a client certificate and key read from files each time a client loads the
         * kubeconfig, as the kubelet's kubeconfig does: a renewed certificate replaces the files, not the
         * kubeconfig. Excludes the other credentials.
         */
        public Builder clientCertificateFiles(String certificateFile, String keyFile) {
            this.clientCertificateFile = requireText(certificateFile, "certificateFile");
            this.clientKeyFile = requireText(keyFile, "keyFile");
            return this;
        }

        /** Authenticate with a bearer token; excludes {@link #clientCertificate}. */
        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * The kubeconfig.
         *
         * @throws IllegalStateException if a required part is missing, or both or neither of
         *                               client certificate and token were given
         */
        public Kubeconfig build() {
            return new Kubeconfig(this);
        }
    }
}
