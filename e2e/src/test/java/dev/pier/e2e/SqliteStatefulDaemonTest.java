package dev.pier.e2e;

import java.nio.file.Path;

/** The DaemonSet and StatefulSet spec on a {@code pier server} with its embedded SQLite store. */
class SqliteStatefulDaemonTest extends StatefulDaemonTest {
    @Override
    protected KubectlTest.Cluster startCluster(Path work) {
        PierProcess pier = PierProcess.server(work.resolve("data")).args(SERVER_ARGS).start();
        return new KubectlTest.Cluster(pier.kubeconfig(), pier);
    }
}
