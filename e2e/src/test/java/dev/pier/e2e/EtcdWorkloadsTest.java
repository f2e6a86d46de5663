package dev.pier.e2e;

import java.nio.file.Path;

/** The workloads spec on a {@code pier server} on a real etcd. */
class EtcdWorkloadsTest extends WorkloadsTest {
    @Override
    protected KubectlTest.Cluster startCluster(Path work) {
        return EtcdKubectlTest.startOnEtcd(work, SERVER_ARGS);
    }
}
