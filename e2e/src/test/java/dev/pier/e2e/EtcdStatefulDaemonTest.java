package dev.pier.e2e;

import java.nio.file.Path;

/** The DaemonSet and StatefulSet spec on a {@code pier server} on a real etcd. */
class EtcdStatefulDaemonTest extends StatefulDaemonTest {
    @Override
    protected KubectlTest.Cluster startCluster(Path work) {
        return EtcdKubectlTest.startOnEtcd(work, SERVER_ARGS);
    }
}
