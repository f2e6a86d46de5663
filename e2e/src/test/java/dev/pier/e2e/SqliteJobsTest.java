package dev.pier.e2e;

import java.nio.file.Path;

/** The jobs spec on a {@code pier server} with its embedded SQLite store. */
class SqliteJobsTest extends JobsTest {
    @Override
    protected KubectlTest.Cluster startCluster(Path work) {
        PierProcess pier = PierProcess.server(work.resolve("data")).start();
        return new KubectlTest.Cluster(pier.kubeconfig(), pier);
    }
}
