package dev.pier.e2e;

import java.nio.file.Path;

/** The kubectl spec against the management cell of a {@code pier server} on its embedded SQLite store. */
class SqliteKubectlTest extends KubectlTest {
    @Override
    protected Cluster startCluster(Path work) {
        PierProcess pier = PierProcess.server(work.resolve("data")).start();
        return new Cluster(pier.kubeconfig(), pier);
    }
}
