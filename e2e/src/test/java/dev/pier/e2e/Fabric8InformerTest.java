package dev.pier.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fabric8 client (JDK HTTP client) configured from Pier's kubeconfig: CRUD on ConfigMaps and a
 * SharedIndexInformer, the list-then-watch machinery of every Java controller.
 *
 * <p>Most tests use a client with two settings a user would not need against a real API server, so they
 * exercise the server beyond those two gaps; {@link #kubeconfigWorksAsWritten()} and
 * {@link #informerWorksWithDefaultWebSocketWatches()} check the gaps themselves with fabric8's defaults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class Fabric8InformerTest {
    private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(20);

    /** Starts the configuration under test. */
    protected abstract KubectlTest.Cluster startCluster(Path work) throws Exception;

    private Path work;
    private KubectlTest.Cluster cluster;
    private KubernetesClient client;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("pier-e2e-" + getClass().getSimpleName() + "-");
        cluster = startCluster(work);
        Config config = plainConfig();
        // fabric8 guesses the client key's algorithm from the PEM header and takes a PKCS#8 "PRIVATE KEY"
        // for RSA: say what the key is
        config.setClientKeyAlgo(dev.pier.simulator.Clients.keyAlgorithm(KubeconfigFile.read(cluster.kubeconfig()).clientKeyPem()));
        // fabric8 watches over WebSocket by default: use its plain HTTP streaming watches
        config.setOnlyHttpWatches(true);
        client = new KubernetesClientBuilder().withConfig(config).build();
    }

    @AfterAll
    void stop() throws Exception {
        if (client != null) client.close();
        if (cluster != null) cluster.resources().close();
        TempDirs.delete(work);
    }

    private Config plainConfig() throws IOException {
        Config config = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
        config.setRequestTimeout(15_000);
        config.setConnectionTimeout(5_000);
        return config;
    }

    private String namespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        return name;
    }

    private ConfigMap configMap(String ns, String name, Map<String, String> labels, Map<String, String> data) {
        return client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withData(data).build()).create();
    }

    /** Starts an informer, waiting at most {@link #EVENT_TIMEOUT} for its first list and watch. */
    private static SharedIndexInformer<ConfigMap> startInformer(Informable<ConfigMap> source, ResourceEventHandler<ConfigMap> handler)
            throws InterruptedException {
        return startInformer(source, handler, EVENT_TIMEOUT);
    }

    private static SharedIndexInformer<ConfigMap> startInformer(Informable<ConfigMap> source, ResourceEventHandler<ConfigMap> handler,
            Duration timeout) throws InterruptedException {
        SharedIndexInformer<ConfigMap> informer = source.runnableInformer(0);
        informer.addEventHandler(handler);
        try {
            informer.start().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            informer.close();
            throw new AssertionError("the informer did not start (list + watch) within " + timeout, e);
        } catch (ExecutionException e) {
            informer.close();
            throw new AssertionError("the informer failed to start", e.getCause());
        }
        return informer;
    }

    /** The ConfigMap every namespace holds (as on a real cluster), which the tests did not make. */
    private static final String ROOT_CA = "kube-root-ca.crt";

    private static boolean ours(ConfigMap cm) {
        return !cm.getMetadata().getName().equals(ROOT_CA);
    }

    /** Records events as text: "ADD name {data}", "UPDATE name {old} -> {new}", "DELETE name"; not of the root CA map. */
    private static ResourceEventHandler<ConfigMap> recorder(LinkedBlockingQueue<String> events) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
                if (ours(cm)) events.add("ADD " + cm.getMetadata().getName() + " " + cm.getData());
            }

            @Override
            public void onUpdate(ConfigMap before, ConfigMap after) {
                if (!ours(after) || before.getMetadata().getResourceVersion().equals(after.getMetadata().getResourceVersion())) return; // resync
                events.add("UPDATE " + after.getMetadata().getName() + " " + before.getData() + " -> " + after.getData());
            }

            @Override
            public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
                if (ours(cm)) events.add("DELETE " + cm.getMetadata().getName());
            }
        };
    }

    private static String next(LinkedBlockingQueue<String> events) throws InterruptedException {
        String e = events.poll(EVENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(e).as("an informer event within " + EVENT_TIMEOUT).isNotNull();
        return e;
    }

    @Test
    void kubeconfigWorksAsWritten() throws Exception {
        // what every fabric8 user does: no hints, just the kubeconfig Pier wrote
        try (KubernetesClient plain = new KubernetesClientBuilder().withConfig(plainConfig()).build()) {
            assertThat(plain.namespaces().withName("default").get()).isNotNull();
        }
    }

    @Test
    void informerWorksWithDefaultWebSocketWatches() throws Exception {
        String ns = namespace("fabric8-websocket");
        configMap(ns, "existing", Map.of(), Map.of("k", "v"));
        Config config = plainConfig();
        config.setClientKeyAlgo(dev.pier.simulator.Clients.keyAlgorithm(KubeconfigFile.read(cluster.kubeconfig()).clientKeyPem()));
        try (KubernetesClient defaults = new KubernetesClientBuilder().withConfig(config).build()) {
            LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
            try (SharedIndexInformer<ConfigMap> informer = startInformer(defaults.configMaps().inNamespace(ns), recorder(events),
                    Duration.ofSeconds(8))) {
                assertThat(next(events)).isEqualTo("ADD existing {k=v}");
                configMap(ns, "added", Map.of(), Map.of("k", "1"));
                assertThat(next(events)).isEqualTo("ADD added {k=1}");
                assertThat(informer.isWatching()).isTrue();
            }
        }
    }

    @Test
    void clientReadsVersionAndDoesCrud() {
        assertThat(client.getKubernetesVersion().getMinor()).isEqualTo("32");
        String ns = namespace("fabric8-crud");
        ConfigMap a = configMap(ns, "a", Map.of("app", "one"), Map.of("k", "1"));
        configMap(ns, "b", Map.of("app", "two"), Map.of("k", "2"));
        configMap(ns, "c", Map.of("app", "one"), Map.of("k", "3"));
        assertThat(a.getMetadata().getUid()).isNotBlank();

        assertThat(client.configMaps().inNamespace(ns).list().getItems()).filteredOn(Fabric8InformerTest::ours)
                .extracting(cm -> cm.getMetadata().getName()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(client.configMaps().inNamespace(ns).withLabel("app", "one").list().getItems())
                .extracting(cm -> cm.getMetadata().getName()).containsExactlyInAnyOrder("a", "c");
        assertThat(client.configMaps().inNamespace(ns).withField("metadata.name", "b").list().getItems())
                .extracting(cm -> cm.getMetadata().getName()).containsExactly("b");
        assertThat(client.configMaps().inNamespace(ns).list(new ListOptionsBuilder().withLimit(2L).build())
                .getMetadata().getContinue()).isNotBlank();

        ConfigMap fetched = client.configMaps().inNamespace(ns).withName("a").get();
        assertThat(fetched.getData()).containsEntry("k", "1");
        ConfigMap changed = new ConfigMapBuilder(fetched).addToData("k", "one").build();
        ConfigMap updated = client.configMaps().inNamespace(ns).resource(changed).update();
        assertThat(updated.getData()).containsEntry("k", "one");
        assertThat(updated.getMetadata().getResourceVersion()).isNotEqualTo(fetched.getMetadata().getResourceVersion());

        // an update based on the stale copy conflicts
        ConfigMap stale = new ConfigMapBuilder(fetched).addToData("k", "stale").build();
        assertThatThrownBy(() -> client.configMaps().inNamespace(ns).resource(stale).update())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));

        assertThat(client.configMaps().inNamespace(ns).withName("b").delete()).hasSize(1);
        assertThat(client.configMaps().inNamespace(ns).withName("b").get()).isNull();
        assertThat(client.configMaps().inNamespace(ns).list().getItems()).filteredOn(Fabric8InformerTest::ours).hasSize(2);
    }

    @Test
    void informerSeesExistingObjectsAddsUpdatesAndDeletes() throws Exception {
        String ns = namespace("fabric8-informer");
        configMap(ns, "existing", Map.of(), Map.of("k", "v"));

        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (SharedIndexInformer<ConfigMap> informer = startInformer(client.configMaps().inNamespace(ns), recorder(events))) {
            assertThat(next(events)).isEqualTo("ADD existing {k=v}");
            Await.until(EVENT_TIMEOUT, "the informer to sync", informer::hasSynced);

            configMap(ns, "added", Map.of("role", "new"), Map.of("k", "1"));
            assertThat(next(events)).isEqualTo("ADD added {k=1}");

            ConfigMap current = client.configMaps().inNamespace(ns).withName("added").get();
            client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder(current).addToData("k", "2").build()).update();
            assertThat(next(events)).isEqualTo("UPDATE added {k=1} -> {k=2}");
            Await.until(EVENT_TIMEOUT, "the informer's cache to hold the update", () -> {
                ConfigMap cached = informer.getStore().getByKey(ns + "/added");
                return cached != null && "2".equals(cached.getData().get("k"));
            });

            client.configMaps().inNamespace(ns).withName("added").delete();
            assertThat(next(events)).isEqualTo("DELETE added");
            Await.until(EVENT_TIMEOUT, "the informer's cache to drop the deleted object",
                    () -> informer.getStore().getByKey(ns + "/added") == null);
            assertThat(informer.getStore().list()).filteredOn(Fabric8InformerTest::ours)
                    .extracting(cm -> cm.getMetadata().getName()).containsExactly("existing");
            assertThat(informer.isWatching()).isTrue();
        }
        assertThat(events).as("no further events").isEmpty();
    }

    @Test
    void informerAcrossAllNamespacesWithALabelSelector() throws Exception {
        String ns1 = namespace("fabric8-all-1");
        String ns2 = namespace("fabric8-all-2");
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (SharedIndexInformer<ConfigMap> informer = startInformer(
                client.configMaps().inAnyNamespace().withLabel("e2e", "all"), recorder(events))) {
            assertThat(informer.hasSynced()).isTrue();
            configMap(ns1, "x", Map.of("e2e", "all"), Map.of());
            configMap(ns2, "unlabelled", Map.of(), Map.of());
            configMap(ns2, "y", Map.of("e2e", "all"), Map.of());
            assertThat(List.of(next(events), next(events))).containsExactly("ADD x {}", "ADD y {}");
            assertThat(informer.getStore().listKeys()).containsExactlyInAnyOrder(ns1 + "/x", ns2 + "/y");
        }
    }
}
