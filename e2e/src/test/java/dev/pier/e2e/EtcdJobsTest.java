package dev.pier.e2e;

import java.nio.file.Path;

/** The jobs spec on a {@code pier server} on a real etcd. */
class EtcdJobsTest extends JobsTest {
    @Override
    protected KubectlTest.Cluster startCluster(Path work) {
        return EtcdKubectlTest.startOnEtcd(work);
    }
}
