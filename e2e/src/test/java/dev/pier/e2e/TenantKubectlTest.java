package dev.pier.e2e;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The kubectl spec against a tenant cell ({@code pier up --cluster team-a}), reached under /clusters/team-a. */
class TenantKubectlTest extends KubectlTest {
    @Override
    protected Cluster startCluster(Path work) {
        PierProcess pier = PierProcess.up(work.resolve("data"), "team-a").start();
        assertThat(KubeconfigFile.read(pier.clusterKubeconfig()).server()).isEqualTo(pier.url() + "/clusters/team-a");
        return new Cluster(pier.clusterKubeconfig(), pier);
    }
}
