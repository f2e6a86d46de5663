package dev.pier.e2e;

import java.nio.file.Path;

/** fabric8 against a {@code pier server} on SQLite. */
class SqliteFabric8InformerTest extends Fabric8InformerTest {
    @Override
    protected KubectlTest.Cluster startCluster(Path work) {
        PierProcess pier = PierProcess.server(work.resolve("data")).start();
        return new KubectlTest.Cluster(pier.kubeconfig(), pier);
    }
}
