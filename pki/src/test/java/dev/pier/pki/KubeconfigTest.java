package dev.pier.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class KubeconfigTest {

    private static final CertificateAuthority CA = CertificateAuthority.generate("pier-kubeconfig-test-ca");
    private static final IssuedCertificate ADMIN =
            CA.issueClient("admin", List.of("system:masters"), Duration.ofDays(365));

    @Test
    void clientCertificateKubeconfigCarriesTheCaAndTheCredentials() {
        String yaml = Kubeconfig.builder()
                .server("https://127.0.0.1:6443")
                .certificateAuthority(CA.certificate())
                .clusterName("cell-1").userName("admin").contextName("admin@cell-1")
                .clientCertificate(ADMIN)
                .build()
                .toYaml();

        Map<String, Object> config = parse(yaml);
        assertThat(config).containsEntry("apiVersion", "v1").containsEntry("kind", "Config")
                .containsEntry("current-context", "admin@cell-1");

        Map<String, Object> cluster = only(config, "clusters");
        assertThat(cluster).containsEntry("name", "cell-1");
        Map<String, Object> clusterBody = map(cluster.get("cluster"));
        assertThat(clusterBody).containsEntry("server", "https://127.0.0.1:6443");
        String caPem = decode(clusterBody.get("certificate-authority-data"));
        assertThat(caPem).isEqualTo(CA.certificatePem());
        assertThat(Pem.certificate(caPem)).isEqualTo(CA.certificate());

        Map<String, Object> user = only(config, "users");
        assertThat(user).containsEntry("name", "admin");
        Map<String, Object> userBody = map(user.get("user"));
        assertThat(userBody).doesNotContainKey("token");
        String certPem = decode(userBody.get("client-certificate-data"));
        String keyPem = decode(userBody.get("client-key-data"));
        IssuedCertificate reloaded = IssuedCertificate.fromPem(certPem, keyPem);
        assertThat(reloaded.certificate()).isEqualTo(ADMIN.certificate());
        assertThat(CA.authenticateClient(reloaded.certificate()))
                .contains(new ClientIdentity("admin", List.of("system:masters")));

        Map<String, Object> context = only(config, "contexts");
        assertThat(context).containsEntry("name", "admin@cell-1");
        assertThat(map(context.get("context"))).containsEntry("cluster", "cell-1").containsEntry("user", "admin");

        // The base64 is emitted verbatim, so it can be found in the text as kubectl users would.
        assertThat(yaml).contains(Base64.getEncoder().encodeToString(
                CA.certificatePem().getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void tokenKubeconfigHasOnlyTheToken() {
        String yaml = Kubeconfig.builder()
                .server("https://api.cell-1.pier.dev")
                .certificateAuthorityPem(CA.certificatePem())
                .clusterName("cell-1").userName("ci").contextName("ci")
                .token("abc.def-ghi_123")
                .build()
                .toYaml();

        Map<String, Object> user = map(only(parse(yaml), "users").get("user"));
        assertThat(user).containsExactly(Map.entry("token", "abc.def-ghi_123"));
    }

    @Test
    void awkwardNamesAreQuotedAndSurviveParsing() {
        String cluster = "prod: \"eu\" # main\n- name: evil";
        String user = "system:serviceaccount:kube-system:default\\x";
        String context = "ctx\u2028\u0085\t\u0000 \uFEFFé😀";
        String token = "'; rm -rf / ; {}[]&*!|>%@`";
        String yaml = Kubeconfig.builder()
                .server("https://[::1]:6443/k8s?x=a:b#c")
                .certificateAuthority(CA.certificate())
                .clusterName(cluster).userName(user).contextName(context)
                .token(token)
                .build()
                .toYaml();

        Map<String, Object> config = parse(yaml);
        assertThat(only(config, "clusters")).containsEntry("name", cluster);
        assertThat(map(only(config, "clusters").get("cluster")))
                .containsEntry("server", "https://[::1]:6443/k8s?x=a:b#c");
        assertThat(only(config, "users")).containsEntry("name", user);
        assertThat(map(only(config, "users").get("user"))).containsEntry("token", token);
        assertThat(config).containsEntry("current-context", context);
        // Nothing in a value started a new line: the document has its fixed 18 lines.
        assertThat(yaml.lines()).hasSize(18);
    }

    @Test
    void invalidInputIsRejected() {
        assertThatThrownBy(() -> Kubeconfig.builder().server("127.0.0.1:6443"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Kubeconfig.builder().server("ftp://host"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Kubeconfig.builder().certificateAuthorityPem("not pem"))
                .isInstanceOf(IllegalArgumentException.class);

        var complete = Kubeconfig.builder().server("https://h").certificateAuthority(CA.certificate())
                .clusterName("c").userName("u").contextName("x");
        assertThatThrownBy(complete::build).as("no credential")
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> complete.token("t").clientCertificate(ADMIN).build()).as("two credentials")
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Kubeconfig.builder().server("https://h").certificateAuthority(CA.certificate())
                .userName("u").contextName("x").token("t").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clusterName");
        assertThatThrownBy(() -> Kubeconfig.quote("lone \uD800 surrogate"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringHidesCredentials() {
        var config = Kubeconfig.builder().server("https://h").certificateAuthority(CA.certificate())
                .clusterName("c").userName("u").contextName("x").token("secret-token").build();
        assertThat(config.toString()).doesNotContain("secret-token");
    }

    /** The real consumer, when it is installed: kubectl must read the file and find the credentials. */
    @Test
    void kubectlReadsIt(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("kubectl"), "kubectl not installed");
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, Kubeconfig.builder()
                .server("https://127.0.0.1:6443")
                .certificateAuthority(CA.certificate())
                .clusterName("cell-1").userName("admin").contextName("admin@cell-1")
                .clientCertificate(ADMIN)
                .build()
                .toYaml());

        Process kubectl = new ProcessBuilder("kubectl", "config", "view", "--raw", "--kubeconfig", file.toString(),
                "-o", "jsonpath={.current-context} {.users[0].user.client-key-data}")
                .redirectErrorStream(true)
                .start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).as(out).isZero();
        String[] parts = out.trim().split(" ");
        assertThat(parts[0]).isEqualTo("admin@cell-1");
        // written in SEC1 form ("EC PRIVATE KEY", as kubeadm does) and still the same key
        assertThat(decode(parts[1])).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(((java.security.interfaces.ECPrivateKey) Pem.privateKey(decode(parts[1]))).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) ADMIN.privateKey()).getS());
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> parse(String yaml) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    }

    private static Map<String, Object> only(Map<String, Object> config, String listName) {
        List<?> list = (List<?>) config.get(listName);
        assertThat(list).hasSize(1);
        return map(list.getFirst());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static String decode(Object base64) {
        return new String(Base64.getDecoder().decode((String) base64), StandardCharsets.US_ASCII);
    }
}
