package dev.pier.e2e;

import java.nio.file.Path;

/** fabric8 against a {@code pier server --store etcd} on a real etcd. */
class EtcdFabric8InformerTest extends Fabric8InformerTest {
    @Override
    protected KubectlTest.Cluster startCluster(Path work) {
        return EtcdKubectlTest.startOnEtcd(work);
    }
}
