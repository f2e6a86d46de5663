package dev.pier.storage.etcd;

import dev.pier.storage.EtcdProcess;
import dev.pier.storage.KeyValue;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.KeyValueStoreContract;
import dev.pier.storage.StorageException;
import dev.pier.storage.Watch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract against a real etcd, one process for the whole class; each test has its own key root. */
class EtcdStoreTest extends KeyValueStoreContract {

    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdProcess.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected KeyValueStore newStore() {
        return EtcdStore.connect(List.of(etcd.endpoint()));
    }

    @Test
    void callsFailAsUnavailableWhenEtcdCannotBeReached() throws IOException {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        try (EtcdStore unreachable = EtcdStore.connect(List.of("http://127.0.0.1:" + port), Duration.ofMillis(500))) {
            assertCode(() -> unreachable.get("/x"), StorageException.Code.UNAVAILABLE);
            assertCode(() -> unreachable.create("/x", bytes("x")), StorageException.Code.UNAVAILABLE);
        }
    }

    @Test
    void aWatchEndsWithUnavailableWhenEtcdGoesAway() {
        // its own etcd, since this one is stopped; it also lets the watch cover every key
        try (EtcdProcess own = EtcdProcess.start(); EtcdStore ownStore = EtcdStore.connect(List.of(own.endpoint()))) {
            Recorder recorder = new Recorder();
            try (Watch ignored = ownStore.watch("", 0, recorder)) {
                KeyValue created = ownStore.create("/x", bytes("x"));
                assertSameVersion(recorder.nextEvent().kv(), created);

                own.close();

                assertThat(recorder.next()).isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(StorageException.Code.UNAVAILABLE));
            }
        }
    }
}
