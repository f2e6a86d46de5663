package dev.pier.e2e;

import dev.pier.storage.EtcdProcess;

import java.nio.file.Path;

/** The kubectl spec against the management cell of a {@code pier server --store etcd} on a real etcd. */
class EtcdKubectlTest extends KubectlTest {
    @Override
    protected Cluster startCluster(Path work) {
        return startOnEtcd(work);
    }

    /** A fresh etcd and a Pier management cell on it; closing the cluster stops both. */
    static Cluster startOnEtcd(Path work, String... serverArgs) {
        EtcdProcess etcd = EtcdProcess.start();
        try {
            PierProcess pier = PierProcess.server(work.resolve("data")).etcd(etcd.endpoint()).args(serverArgs).start();
            return new Cluster(pier.kubeconfig(), () -> {
                try {
                    pier.close();
                } finally {
                    etcd.close();
                }
            });
        } catch (RuntimeException | Error e) {
            etcd.close();
            throw e;
        }
    }
}
