package dev.pier.e2e;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helm (its Go library, through helm-java) against a {@code pier server} on SQLite: the default chart of
 * {@code helm create} installed, upgraded and uninstalled, checked with kubectl.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HelmTest {
    private static final Duration GONE_TIMEOUT = Duration.ofSeconds(20);

    private Path work;
    private PierProcess pier;
    private Kubectl kubectl;

    @BeforeAll
    void startServer() throws Exception {
        work = Files.createTempDirectory("pier-e2e-" + getClass().getSimpleName() + "-");
        pier = PierProcess.server(work.resolve("data")).start();
        kubectl = new Kubectl(pier.kubeconfig(), work.resolve("kubectl"));
    }

    @AfterAll
    void stopServer() {
        if (pier != null) pier.close();
        TempDirs.delete(work);
    }

    @Test
    void installsUpgradesAndUninstallsTheDefaultChart() throws Exception {
        Path charts = Files.createDirectories(work.resolve("charts"));
        Helm helm = Helm.create().withName("demo").withDir(charts).call();
        assertThat(charts.resolve("demo").resolve("Chart.yaml")).isRegularFile();
        Path kubeconfig = pier.kubeconfig();

        Release installed = helm.install().withName("demo").withNamespace("default").withKubeConfig(kubeconfig).call();
        assertThat(installed.getStatus()).as("install: %s", installed.getOutput()).isEqualTo("deployed");
        assertThat(installed.getRevision()).isEqualTo("1");
        assertThat(kubectl.ok("get", "deployment", "demo", "-n", "default", "-o", "jsonpath={.spec.replicas}"))
                .isEqualTo("1");
        assertThat(kubectl.ok("get", "service", "demo", "-n", "default", "-o", "jsonpath={.spec.ports[0].port}"))
                .isEqualTo("80");
        assertThat(kubectl.ok("get", "serviceaccount", "demo", "-n", "default", "-o", "name"))
                .isEqualTo("serviceaccount/demo\n");
        // Helm's own record of the release
        assertThat(kubectl.ok("get", "secrets", "-n", "default", "-l", "owner=helm,name=demo", "-o", "name"))
                .contains("secret/sh.helm.release.v1.demo.v1");

        Release upgraded = helm.upgrade().withName("demo").withNamespace("default").withKubeConfig(kubeconfig)
                .set("replicaCount", 2).call();
        assertThat(upgraded.getStatus()).as("upgrade: %s", upgraded.getOutput()).isEqualTo("deployed");
        assertThat(upgraded.getRevision()).isEqualTo("2");
        assertThat(kubectl.ok("get", "deployment", "demo", "-n", "default", "-o", "jsonpath={.spec.replicas}"))
                .isEqualTo("2");

        String uninstalled = Helm.uninstall("demo").withNamespace("default").withKubeConfig(kubeconfig).call();
        assertThat(uninstalled).contains("demo");
        awaitGone("deployment", "demo");
        awaitGone("service", "demo");
        awaitGone("serviceaccount", "demo");
    }

    private void awaitGone(String resource, String name) {
        Await.until(GONE_TIMEOUT, () -> resource + "/" + name + " to be deleted by helm uninstall: "
                        + kubectl.run("get", resource, name, "-n", "default"),
                () -> kubectl.run("get", resource, name, "-n", "default", "--ignore-not-found", "-o", "name")
                        .assertOk().stdout().isBlank());
    }
}
