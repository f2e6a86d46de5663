package dev.pier.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/** The parts of a Pier-written kubeconfig the tests need: server URL, CA and the admin credentials. */
record KubeconfigFile(String server, String caPem, String clientCertPem, String clientKeyPem) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static KubeconfigFile read(Path file) {
        try {
            JsonNode root = YAML.readTree(Files.readString(file));
            JsonNode cluster = root.path("clusters").path(0).path("cluster");
            JsonNode user = root.path("users").path(0).path("user");
            return new KubeconfigFile(cluster.path("server").asText(), decode(cluster.path("certificate-authority-data")),
                    decode(user.path("client-certificate-data")), decode(user.path("client-key-data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String decode(JsonNode base64) {
        return base64.isMissingNode() ? null : new String(Base64.getDecoder().decode(base64.asText()));
    }

    /** Writes a kubeconfig for the same server and CA that authenticates with a bearer token. */
    Path writeWithToken(Path file, String server, String token) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: pier
                  cluster:
                    server: "%s"
                    certificate-authority-data: %s
                users:
                - name: token-user
                  user:
                    token: "%s"
                contexts:
                - name: pier
                  context:
                    cluster: pier
                    user: token-user
                current-context: pier
                """.formatted(server, Base64.getEncoder().encodeToString(caPem.getBytes()), token);
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a copy of this kubeconfig pointing at another server URL (same CA, same client certificate). */
    Path writeWithServer(Path file, String otherServer) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: pier
                  cluster:
                    server: "%s"
                    certificate-authority-data: %s
                users:
                - name: admin
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                contexts:
                - name: pier
                  context:
                    cluster: pier
                    user: admin
                current-context: pier
                """.formatted(otherServer, b64(caPem), b64(clientCertPem), b64(clientKeyPem));
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes());
    }

    /** A TLS context that trusts only the server's CA and presents no client certificate. */
    SSLContext trustingCa() {
        try {
            X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(caPem.getBytes()));
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("pier-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
