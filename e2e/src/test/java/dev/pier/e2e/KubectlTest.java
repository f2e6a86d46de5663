package dev.pier.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kubectl spec: what a user does with the real kubectl 1.32, run against one cluster per
 * configuration (subclasses say how the cluster is started). One server per class; each test works in
 * a namespace of its own so tests do not see each other's objects.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KubectlTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration WATCH_TIMEOUT = Duration.ofSeconds(20);
    private static final Set<String> CLUSTER_SCOPED_KINDS = Set.of("Namespace", "Node", "PersistentVolume",
            "StorageClass", "ClusterRole", "ClusterRoleBinding");

    /** A started cluster: the kubeconfig to use and what to stop afterwards. */
    protected record Cluster(Path kubeconfig, AutoCloseable resources) {
    }

    /** Starts the configuration under test with its state under {@code work}. */
    protected abstract Cluster startCluster(Path work) throws Exception;

    protected Path work;
    protected Cluster cluster;
    protected Kubectl kubectl;
    private final AtomicInteger namespaces = new AtomicInteger();
    private String generatorNamespace;

    @BeforeAll
    void startServer() throws Exception {
        work = Files.createTempDirectory("pier-e2e-" + getClass().getSimpleName() + "-");
        cluster = startCluster(work);
        kubectl = new Kubectl(cluster.kubeconfig(), work.resolve("kubectl"));
        generatorNamespace = newNamespace();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (cluster != null) cluster.resources().close();
        TempDirs.delete(work);
    }

    /** Creates a fresh namespace for one test. */
    protected String newNamespace() {
        String ns = "e2e-" + namespaces.incrementAndGet();
        assertThat(kubectl.ok("create", "namespace", ns)).contains("namespace/" + ns + " created");
        return ns;
    }

    // ---------------------------------------------------------------- create: manifests of every kind

    @Test
    void createsAManifestOfEveryKind() {
        String ns = newNamespace();
        Path dir = Manifests.render(work.resolve("manifests-" + ns), ns);
        List<JsonNode> documents = Manifests.documents(dir);
        assertThat(documents).hasSizeGreaterThanOrEqualTo(29);
        // every kind is checked and every problem reported, not just the first
        SoftAssertions soft = new SoftAssertions();

        Kubectl.Result created = kubectl.run("create", "-f", dir.toString(), "-n", ns);
        soft.assertThat(created.stderr()).as("kubectl create -f of every kind: errors").isEmpty();
        soft.assertThat(created.stdout().lines().filter(l -> l.endsWith(" created")).count())
                .as("objects created: %s", created.stdout()).isEqualTo(documents.size());

        Kubectl.Result got = kubectl.run("get", "-f", dir.toString(), "-n", ns, "-o", "json", "--ignore-not-found").assertOk();
        JsonNode list = json(got.stdout());
        for (JsonNode doc : documents) {
            String kind = doc.path("kind").asText();
            String apiVersion = doc.path("apiVersion").asText();
            String name = doc.path("metadata").path("name").asText();
            JsonNode item = findItem(list, apiVersion, kind, name);
            if (item == null) {
                soft.fail("%s %s/%s was not created", apiVersion, kind, name);
                continue;
            }
            JsonNode meta = item.path("metadata");
            soft.assertThat(meta.path("uid").asText()).as("%s uid", kind).satisfies(KubectlTest::assertUuid);
            soft.assertThat(meta.path("resourceVersion").asText()).as("%s resourceVersion", kind).isNotBlank();
            soft.assertThat(meta.path("creationTimestamp").asText()).as("%s creationTimestamp", kind).satisfies(KubectlTest::assertTimestamp);
            if (CLUSTER_SCOPED_KINDS.contains(kind)) {
                soft.assertThat(meta.has("namespace")).as("%s is cluster-scoped", kind).isFalse();
            } else {
                soft.assertThat(meta.path("namespace").asText()).as("%s namespace", kind).isEqualTo(ns);
            }
            // what was sent comes back (the spec, data, rules ... of every kind; servers may add defaults)
            for (String field : List.of("spec", "data", "rules", "subjects", "roleRef", "subsets", "endpoints", "ports",
                    "provisioner", "involvedObject", "regarding", "note", "revision", "addressType", "reclaimPolicy")) {
                if (doc.has(field) && !kind.equals("Secret")) {
                    soft.assertThat(containsAll(withoutHealthTaints(item).path(field), doc.path(field)))
                            .as("%s %s: sent %s, got %s", kind, field, doc.path(field), item.path(field)).isTrue();
                }
            }
        }

        // spot checks of kind-specific behaviour
        JsonNode secret = findItem(list, "v1", "Secret", "web-tls");
        if (secret != null) {
            soft.assertThat(secret.at("/data/username").asText()).isEqualTo(b64("admin"));
            soft.assertThat(secret.at("/data/password").asText()).as("Secret stringData is merged into data").isEqualTo(b64("s3cr3t"));
            soft.assertThat(secret.has("stringData")).as("Secret stringData is write-only").isFalse();
        }
        JsonNode cm = findItem(list, "v1", "ConfigMap", "web-config");
        if (cm != null) soft.assertThat(cm.at("/data/nginx.conf").asText()).isEqualTo("server {\n  listen 80;\n}\n");
        JsonNode namespace = findItem(list, "v1", "Namespace", "manifest-ns");
        if (namespace != null) soft.assertThat(namespace.at("/status/phase").asText()).isEqualTo("Active");

        // and all of it can be deleted again
        Kubectl.Result deleted = kubectl.run("delete", "-f", dir.toString(), "-n", ns, "--wait=false", "--ignore-not-found");
        soft.assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        soft.assertThat(kubectl.run("get", "-f", dir.toString(), "-n", ns, "-o", "name", "--ignore-not-found").stdout())
                .as("left after delete -f").isEmpty();
        soft.assertAll();
    }

    // ---------------------------------------------------------------- create: generators (protobuf bodies)

    Stream<Arguments> generators() {
        return Stream.of(
                gen(List.of("configmap", "gen-cm", "--from-literal=color=blue", "--from-literal=size=L"), "configmap/gen-cm",
                        o -> {
                            assertThat(o.path("data").path("color").asText()).isEqualTo("blue");
                            assertThat(o.path("data").path("size").asText()).isEqualTo("L");
                        }),
                gen(List.of("secret", "generic", "gen-secret", "--from-literal=password=hunter2"), "secret/gen-secret",
                        o -> {
                            assertThat(o.path("type").asText()).isEqualTo("Opaque");
                            assertThat(o.path("data").path("password").asText()).isEqualTo(b64("hunter2"));
                        }),
                gen(List.of("namespace", "gen-created-ns"), "namespace/gen-created-ns",
                        o -> assertThat(o.path("status").path("phase").asText()).isEqualTo("Active")),
                gen(List.of("deployment", "gen-deploy", "--image=nginx:1.27", "--replicas=2"), "deployment.apps/gen-deploy",
                        o -> {
                            assertThat(o.path("spec").path("replicas").asInt()).isEqualTo(2);
                            assertThat(o.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:1.27");
                            assertThat(o.at("/spec/selector/matchLabels/app").asText()).isEqualTo("gen-deploy");
                        }),
                gen(List.of("service", "clusterip", "gen-svc", "--tcp=80:8080"), "service/gen-svc",
                        o -> {
                            assertThat(o.at("/spec/type").asText()).isEqualTo("ClusterIP");
                            assertThat(o.at("/spec/ports/0/port").asInt()).isEqualTo(80);
                            assertThat(o.at("/spec/ports/0/targetPort").asInt()).isEqualTo(8080);
                        }),
                gen(List.of("serviceaccount", "gen-sa"), "serviceaccount/gen-sa",
                        o -> assertThat(o.at("/metadata/name").asText()).isEqualTo("gen-sa")),
                gen(List.of("job", "gen-job", "--image=busybox:1.37"), "job.batch/gen-job",
                        o -> {
                            assertThat(o.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("busybox:1.37");
                            assertThat(o.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Never");
                        }),
                gen(List.of("cronjob", "gen-cron", "--image=busybox:1.37", "--schedule=*/5 * * * *"), "cronjob.batch/gen-cron",
                        o -> {
                            assertThat(o.at("/spec/schedule").asText()).isEqualTo("*/5 * * * *");
                            assertThat(o.at("/spec/jobTemplate/spec/template/spec/containers/0/image").asText()).isEqualTo("busybox:1.37");
                        }),
                gen(List.of("role", "gen-role", "--verb=get,list", "--resource=pods"), "role.rbac.authorization.k8s.io/gen-role",
                        o -> {
                            assertThat(texts(o.at("/rules/0/verbs"))).containsExactly("get", "list");
                            assertThat(texts(o.at("/rules/0/resources"))).containsExactly("pods");
                        }),
                gen(List.of("rolebinding", "gen-rb", "--role=gen-role", "--user=alice"), "rolebinding.rbac.authorization.k8s.io/gen-rb",
                        o -> {
                            assertThat(o.at("/roleRef/kind").asText()).isEqualTo("Role");
                            assertThat(o.at("/roleRef/name").asText()).isEqualTo("gen-role");
                            assertThat(o.at("/subjects/0/name").asText()).isEqualTo("alice");
                        }),
                gen(List.of("clusterrole", "gen-cr", "--verb=get,watch", "--resource=nodes"), "clusterrole.rbac.authorization.k8s.io/gen-cr",
                        o -> assertThat(texts(o.at("/rules/0/resources"))).containsExactly("nodes")),
                gen(List.of("clusterrolebinding", "gen-crb", "--clusterrole=gen-cr", "--group=ops"),
                        "clusterrolebinding.rbac.authorization.k8s.io/gen-crb",
                        o -> {
                            assertThat(o.at("/roleRef/name").asText()).isEqualTo("gen-cr");
                            assertThat(o.at("/subjects/0/kind").asText()).isEqualTo("Group");
                        }),
                gen(List.of("quota", "gen-quota", "--hard=pods=10,services=5"), "resourcequota/gen-quota",
                        o -> {
                            assertThat(o.at("/spec/hard/pods").asText()).isEqualTo("10");
                            assertThat(o.at("/spec/hard/services").asText()).isEqualTo("5");
                        }),
                gen(List.of("poddisruptionbudget", "gen-pdb", "--selector=app=web", "--min-available=1"),
                        "poddisruptionbudget.policy/gen-pdb",
                        o -> {
                            assertThat(o.at("/spec/minAvailable").asInt()).isEqualTo(1);
                            assertThat(o.at("/spec/selector/matchLabels/app").asText()).isEqualTo("web");
                        }));
    }

    private static Arguments gen(List<String> args, String created, Consumer<JsonNode> check) {
        return Arguments.of(String.join(" ", args), args, created, check);
    }

    @ParameterizedTest(name = "kubectl create {0}")
    @MethodSource("generators")
    void generatorsCreateWithProtobufBodies(String title, List<String> args, String created, Consumer<JsonNode> check) {
        List<String> cmd = new ArrayList<>(List.of("create"));
        cmd.addAll(args);
        cmd.addAll(List.of("-n", generatorNamespace, "-v=7"));
        Kubectl.Result r = kubectl.run(cmd.toArray(String[]::new)).assertOk();
        assertThat(r.stdout()).contains(created + " created");
        assertThat(r.stderr()).as("kubectl sent a protobuf body").contains("Content-Type: application/vnd.kubernetes.protobuf");

        JsonNode object = json(kubectl.ok("get", created, "-n", generatorNamespace, "-o", "json"));
        assertThat(object.at("/metadata/uid").asText()).satisfies(KubectlTest::assertUuid);
        check.accept(object);
    }

    // ---------------------------------------------------------------- get: output formats

    @Test
    void getPrintsYamlJsonWideAndName() throws IOException {
        String ns = newNamespace();
        kubectl.ok("create", "configmap", "settings", "-n", ns, "--from-literal=mode=fast", "--from-literal=level=3");

        JsonNode fromJson = json(kubectl.ok("get", "configmap", "settings", "-n", ns, "-o", "json"));
        assertThat(fromJson.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(fromJson.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(fromJson.at("/metadata/name").asText()).isEqualTo("settings");
        assertThat(fromJson.at("/metadata/namespace").asText()).isEqualTo(ns);
        assertThat(fromJson.at("/metadata/uid").asText()).satisfies(KubectlTest::assertUuid);
        assertThat(fromJson.at("/metadata/resourceVersion").asText()).matches("[0-9]+");
        assertThat(fromJson.at("/metadata/creationTimestamp").asText()).satisfies(KubectlTest::assertTimestamp);
        assertThat(fromJson.at("/data/mode").asText()).isEqualTo("fast");
        assertThat(fromJson.at("/data/level").asText()).isEqualTo("3");

        JsonNode fromYaml = YAML.readTree(kubectl.ok("get", "configmap", "settings", "-n", ns, "-o", "yaml"));
        assertThat(fromYaml).isEqualTo(fromJson);

        JsonNode list = json(kubectl.ok("get", "configmaps", "-n", ns, "-o", "json"));
        assertThat(list.path("kind").asText()).isEqualTo("List");
        assertThat(names(list)).contains("settings");

        String wide = kubectl.ok("get", "configmaps", "settings", "-n", ns, "-o", "wide");
        assertThat(wide.lines().findFirst().orElseThrow()).startsWith("NAME").contains("AGE");
        assertThat(wide).contains("settings");

        String table = kubectl.ok("get", "configmaps", "-n", ns);
        assertThat(table.lines().findFirst().orElseThrow()).startsWith("NAME").contains("AGE");
        assertThat(table.lines().skip(1)).anyMatch(l -> l.startsWith("settings "));

        assertThat(kubectl.ok("get", "configmap", "settings", "-n", ns, "-o", "name").strip()).isEqualTo("configmap/settings");
        assertThat(kubectl.ok("get", "configmap", "settings", "-n", ns, "-o", "jsonpath={.data.mode}")).isEqualTo("fast");
    }

    @Test
    void getFiltersByLabelAndFieldSelectors() {
        String ns = newNamespace();
        String other = newNamespace();
        for (String[] cm : new String[][]{{"web-a", "tier=web"}, {"web-b", "tier=web"}, {"db-a", "tier=db"}, {"plain", null}}) {
            kubectl.ok("create", "configmap", cm[0], "-n", ns, "--from-literal=k=v");
            if (cm[1] != null) {
                // no PATCH yet (so no kubectl label): put the label on with a replace
                ObjectNode o = (ObjectNode) json(kubectl.ok("get", "configmap", cm[0], "-n", ns, "-o", "json"));
                String[] kv = cm[1].split("=");
                ((ObjectNode) o.path("metadata")).putObject("labels").put(kv[0], kv[1]);
                kubectl.runWithInput(o.toString(), "replace", "-f", "-").assertOk();
            }
        }
        kubectl.ok("create", "configmap", "web-a", "-n", other, "--from-literal=k=v");

        assertThat(nameLines(kubectl.ok("get", "cm", "-n", ns, "-l", "tier=web", "-o", "name")))
                .containsExactlyInAnyOrder("configmap/web-a", "configmap/web-b");
        assertThat(nameLines(kubectl.ok("get", "cm", "-n", ns, "-l", "tier!=web", "-o", "name")))
                .containsExactlyInAnyOrder("configmap/db-a", "configmap/plain");
        assertThat(nameLines(kubectl.ok("get", "cm", "-n", ns, "-l", "tier in (web,db)", "-o", "name")))
                .containsExactlyInAnyOrder("configmap/web-a", "configmap/web-b", "configmap/db-a");
        assertThat(nameLines(kubectl.ok("get", "cm", "-n", ns, "-l", "!tier", "-o", "name")))
                .containsExactly("configmap/plain");
        assertThat(nameLines(kubectl.ok("get", "cm", "-n", ns, "-l", "tier", "-o", "name"))).hasSize(3);
        assertThat(kubectl.run("get", "cm", "-n", ns, "-l", "tier=cache").assertOk().stderr()).contains("No resources found");

        assertThat(nameLines(kubectl.ok("get", "cm", "-n", ns, "--field-selector", "metadata.name=db-a", "-o", "name")))
                .containsExactly("configmap/db-a");
        assertThat(nameLines(kubectl.ok("get", "cm", "-n", ns, "--field-selector", "metadata.name!=db-a", "-l", "tier", "-o", "name")))
                .containsExactlyInAnyOrder("configmap/web-a", "configmap/web-b");
        JsonNode acrossNamespaces = json(kubectl.ok("get", "cm", "-A", "--field-selector", "metadata.name=web-a", "-o", "json"));
        assertThat(texts(acrossNamespaces.path("items"), "/metadata/namespace")).containsExactlyInAnyOrder(ns, other);
        JsonNode oneNamespace = json(kubectl.ok("get", "cm", "-A", "--field-selector", "metadata.namespace=" + other, "-o", "json"));
        assertThat(names(oneNamespace)).contains("web-a").doesNotContain("web-b", "db-a");
        // a field the kind does not support is a BadRequest
        assertThat(kubectl.fails("get", "cm", "-n", ns, "--field-selector", "spec.nothing=1")).contains("BadRequest");
    }

    @Test
    void chunkedListReturnsEveryItem() {
        String ns = newNamespace();
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < 7; i++) {
            kubectl.ok("create", "configmap", "chunk-" + i, "-n", ns, "--from-literal=i=" + i);
            expected.add("configmap/chunk-" + i);
        }
        Kubectl.Result r = kubectl.run("get", "configmaps", "-n", ns, "--chunk-size=2", "-o", "name", "-v=6").assertOk();
        assertThat(nameLines(r.stdout())).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(r.stderr()).as("kubectl paged through the list").contains("limit=2").contains("continue=");

        String table = kubectl.ok("get", "configmaps", "-n", ns, "--chunk-size=2");
        assertThat(table.lines().filter(l -> l.startsWith("chunk-"))).hasSize(7);
        assertThat(table.lines().filter(l -> l.startsWith("NAME"))).as("one header for all chunks").hasSize(1);
    }

    @Test
    void watchSeesChangesMadeAfterItStarted() {
        String ns = newNamespace();
        kubectl.ok("create", "configmap", "before", "-n", ns, "--from-literal=k=v");
        try (Kubectl.Background watch = kubectl.background("get", "configmaps", "-n", ns, "-w")) {
            watch.awaitStdout(WATCH_TIMEOUT, "the existing configmap", out -> out.contains("before"));
            kubectl.ok("create", "configmap", "after", "-n", ns, "--from-literal=k=v");
            watch.awaitStdout(WATCH_TIMEOUT, "the configmap created after the watch started", out -> out.contains("after"));
            assertThat(watch.isAlive()).as("a watch without timeout stays open").isTrue();
        }
        try (Kubectl.Background watch = kubectl.background("get", "configmaps", "-n", ns, "-w", "--output-watch-events")) {
            watch.awaitStdout(WATCH_TIMEOUT, "the initial ADDED events",
                    out -> out.lines().anyMatch(l -> l.matches("ADDED\\s+after\\s.*")));
            kubectl.ok("delete", "configmap", "before", "-n", ns);
            watch.awaitStdout(WATCH_TIMEOUT, "a DELETED event",
                    out -> out.lines().anyMatch(l -> l.matches("DELETED\\s+before\\s.*")));
        }
    }

    @Test
    void deleteRemovesTheObject() {
        String ns = newNamespace();
        kubectl.ok("create", "configmap", "doomed", "-n", ns, "--from-literal=k=v");
        kubectl.ok("create", "deployment", "doomed", "-n", ns, "--image=nginx:1.27");
        assertThat(kubectl.ok("delete", "configmap", "doomed", "-n", ns)).contains("configmap \"doomed\" deleted");
        assertThat(kubectl.fails("get", "configmap", "doomed", "-n", ns)).contains("NotFound");
        assertThat(kubectl.ok("delete", "deployment", "doomed", "-n", ns)).contains("deployment.apps \"doomed\" deleted");
        assertThat(kubectl.fails("get", "deployment", "doomed", "-n", ns)).contains("NotFound");
        assertThat(kubectl.fails("delete", "configmap", "doomed", "-n", ns)).contains("NotFound");
        // deleting by label, and a whole collection
        for (int i = 0; i < 3; i++) kubectl.ok("create", "configmap", "many-" + i, "-n", ns, "--from-literal=k=v");
        assertThat(kubectl.ok("delete", "configmaps", "--all", "-n", ns)).contains("many-0", "many-1", "many-2");
        assertThat(nameLines(kubectl.ok("get", "configmaps", "-n", ns, "-o", "name"))).as("only the namespace's own root CA comes back")
                .isEmpty();
    }

    // ---------------------------------------------------------------- discovery and cluster commands

    @Test
    void apiResourcesAndApiVersions() {
        String resources = kubectl.ok("api-resources");
        assertThat(resources.lines().findFirst().orElseThrow()).contains("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND");
        assertThat(resources.lines()).anyMatch(l -> l.matches("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment\\s*"));
        assertThat(resources.lines()).anyMatch(l -> l.matches("namespaces\\s+ns\\s+v1\\s+false\\s+Namespace\\s*"));
        assertThat(resources.lines()).anyMatch(l -> l.matches("cronjobs\\s+cj\\s+batch/v1\\s+true\\s+CronJob\\s*"));
        assertThat(resources.lines()).anyMatch(l -> l.matches("clusterroles\\s+rbac.authorization.k8s.io/v1\\s+false\\s+ClusterRole\\s*"));
        for (String r : List.of("pods", "services", "endpoints", "configmaps", "secrets", "serviceaccounts", "nodes", "events",
                "persistentvolumes", "persistentvolumeclaims", "limitranges", "resourcequotas", "replicasets", "statefulsets",
                "daemonsets", "controllerrevisions", "jobs", "leases", "endpointslices", "storageclasses",
                "poddisruptionbudgets", "roles", "rolebindings", "clusterrolebindings")) {
            assertThat(resources.lines()).as("api-resources lists %s", r).anyMatch(l -> l.startsWith(r + " "));
        }
        assertThat(nameLines(kubectl.ok("api-resources", "--api-group=apps", "-o", "name")))
                .contains("deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps");
        assertThat(nameLines(kubectl.ok("api-resources", "--namespaced=false", "-o", "name")))
                .contains("namespaces", "nodes", "persistentvolumes").doesNotContain("pods", "configmaps");

        assertThat(nameLines(kubectl.ok("api-versions"))).contains("v1", "apps/v1", "batch/v1", "coordination.k8s.io/v1",
                "discovery.k8s.io/v1", "events.k8s.io/v1", "policy/v1", "rbac.authorization.k8s.io/v1", "storage.k8s.io/v1");

        // short names and kinds resolve through discovery
        String ns = newNamespace();
        kubectl.ok("create", "deployment", "short", "-n", ns, "--image=nginx:1.27");
        assertThat(kubectl.ok("get", "deploy", "-n", ns, "-o", "name").strip()).isEqualTo("deployment.apps/short");
        assertThat(kubectl.ok("get", "deployments.apps", "-n", ns, "-o", "name").strip()).isEqualTo("deployment.apps/short");
        assertThat(kubectl.ok("get", "Deployment", "-n", ns, "-o", "name").strip()).isEqualTo("deployment.apps/short");
    }

    @Test
    void clusterInfoAndVersion() {
        String server = KubeconfigFile.read(cluster.kubeconfig()).server();
        assertThat(kubectl.ok("cluster-info")).contains("Kubernetes control plane").contains("is running at").contains(server);
        JsonNode version = json(kubectl.ok("version", "-o", "json"));
        assertThat(version.at("/serverVersion/major").asText()).isEqualTo("1");
        assertThat(version.at("/serverVersion/minor").asText()).isEqualTo("32");
    }

    @Test
    void getAllShowsWorkloadsAndServices() {
        String ns = newNamespace();
        kubectl.ok("create", "deployment", "shop", "-n", ns, "--image=nginx:1.27");
        kubectl.ok("create", "service", "clusterip", "shop", "-n", ns, "--tcp=80:80");
        kubectl.ok("create", "cronjob", "shop-report", "-n", ns, "--image=busybox:1.37", "--schedule=0 * * * *");
        kubectl.ok("create", "configmap", "not-in-all", "-n", ns, "--from-literal=k=v");
        String all = kubectl.ok("get", "all", "-n", ns);
        assertThat(all).contains("deployment.apps/shop", "service/shop", "cronjob.batch/shop-report").doesNotContain("not-in-all");
        assertThat(nameLines(kubectl.ok("get", "all", "-n", ns, "-o", "name")))
                .contains("deployment.apps/shop", "service/shop", "cronjob.batch/shop-report");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void malformedManifestIsRejectedByKubectl() {
        String ns = newNamespace();
        Kubectl.Result r = kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n data: [\n",
                "create", "-f", "-", "-n", ns).assertFails();
        assertThat(r.stderr()).contains("error").containsIgnoringCase("yaml");
        assertThat(kubectl.fails("get", "configmap", "bad", "-n", ns)).contains("NotFound");
    }

    @Test
    void manifestWithoutNameIsInvalid() {
        String ns = newNamespace();
        String err = kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\ndata:\n  k: v\n",
                "create", "-f", "-", "-n", ns).assertFails().stderr();
        assertThat(err).contains("is invalid").contains("metadata.name").contains("Required value");
        String badName = kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_A_Name\n",
                "create", "-f", "-", "-n", ns).assertFails().stderr();
        assertThat(badName).contains("The ConfigMap \"Not_A_Name\" is invalid").contains("metadata.name: Invalid value");
    }

    @Test
    void podWithoutContainerImageIsInvalid() {
        String ns = newNamespace();
        String err = kubectl.runWithInput("""
                        apiVersion: v1
                        kind: Pod
                        metadata:
                          name: no-image
                        spec:
                          containers:
                          - name: app
                        """, "create", "-f", "-", "-n", ns).assertFails().stderr();
        assertThat(err).contains("The Pod \"no-image\" is invalid").contains("spec.containers[0].image").contains("Required value");
        assertThat(kubectl.fails("get", "pod", "no-image", "-n", ns)).contains("NotFound");
    }

    @Test
    void unknownMetadataFieldIsRejectedByStrictValidation() {
        String ns = newNamespace();
        String err = kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  lables:\n    a: b\n",
                "create", "-f", "-", "-n", ns).assertFails().stderr();
        assertThat(err).contains("BadRequest").contains("unknown field \"metadata.lables\"");
        assertThat(kubectl.fails("get", "configmap", "typo", "-n", ns)).contains("NotFound");
        // --validate=false sends fieldValidation=Ignore: the unknown field is dropped
        kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  lables:\n    a: b\n",
                "create", "-f", "-", "-n", ns, "--validate=false").assertOk();
        assertThat(json(kubectl.ok("get", "configmap", "typo", "-n", ns, "-o", "json")).at("/metadata").has("lables")).isFalse();
    }

    @Test
    void unknownSpecFieldIsRejectedByStrictValidation() {
        String ns = newNamespace();
        String err = kubectl.runWithInput("""
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: typo
                        spec:
                          replicass: 2
                          selector:
                            matchLabels:
                              app: typo
                          template:
                            metadata:
                              labels:
                                app: typo
                            spec:
                              containers:
                              - name: app
                                image: nginx:1.27
                        """, "create", "-f", "-", "-n", ns).assertFails().stderr();
        assertThat(err).contains("unknown field \"spec.replicass\"");
        String topLevel = kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndatta:\n  k: v\n",
                "create", "-f", "-", "-n", ns).assertFails().stderr();
        assertThat(topLevel).contains("unknown field \"datta\"");
    }

    @Test
    void createOfAnExistingNameIsAlreadyExists() {
        String ns = newNamespace();
        kubectl.ok("create", "configmap", "twice", "-n", ns, "--from-literal=k=v");
        assertThat(kubectl.fails("create", "configmap", "twice", "-n", ns, "--from-literal=k=v"))
                .contains("configmaps \"twice\" already exists");
        String fromManifest = kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: twice\n",
                "create", "-f", "-", "-n", ns).assertFails().stderr();
        assertThat(fromManifest).contains("Error from server (AlreadyExists)").contains("configmaps \"twice\" already exists");
    }

    @Test
    void replaceWithAStaleResourceVersionConflicts() {
        String ns = newNamespace();
        kubectl.ok("create", "configmap", "racy", "-n", ns, "--from-literal=k=v1");
        ObjectNode stale = (ObjectNode) json(kubectl.ok("get", "configmap", "racy", "-n", ns, "-o", "json"));
        String rv = stale.at("/metadata/resourceVersion").asText();

        ObjectNode first = stale.deepCopy();
        ((ObjectNode) first.path("data")).put("k", "v2");
        assertThat(kubectl.runWithInput(first.toString(), "replace", "-f", "-").assertOk().stdout()).contains("configmap/racy replaced");
        JsonNode afterFirst = json(kubectl.ok("get", "configmap", "racy", "-n", ns, "-o", "json"));
        assertThat(afterFirst.at("/data/k").asText()).isEqualTo("v2");
        assertThat(afterFirst.at("/metadata/resourceVersion").asText()).isNotEqualTo(rv);
        assertThat(afterFirst.at("/metadata/uid").asText()).isEqualTo(stale.at("/metadata/uid").asText());
        assertThat(afterFirst.at("/metadata/creationTimestamp").asText()).isEqualTo(stale.at("/metadata/creationTimestamp").asText());

        ObjectNode second = stale.deepCopy();
        ((ObjectNode) second.path("data")).put("k", "v3");
        String err = kubectl.runWithInput(second.toString(), "replace", "-f", "-").assertFails().stderr();
        assertThat(err).contains("Error from server (Conflict)").contains("the object has been modified");
        assertThat(json(kubectl.ok("get", "configmap", "racy", "-n", ns, "-o", "json")).at("/data/k").asText()).isEqualTo("v2");
    }

    @Test
    void getOfAMissingObjectIsNotFound() {
        String ns = newNamespace();
        assertThat(kubectl.fails("get", "configmap", "nope", "-n", ns))
                .contains("Error from server (NotFound): configmaps \"nope\" not found");
        assertThat(kubectl.fails("get", "deployment", "nope", "-n", ns))
                .contains("Error from server (NotFound): deployments.apps \"nope\" not found");
        assertThat(kubectl.fails("get", "namespace", "nope-ns")).contains("Error from server (NotFound): namespaces \"nope-ns\" not found");
        assertThat(kubectl.fails("get", "nosuchkind")).contains("the server doesn't have a resource type \"nosuchkind\"");
    }

    @Test
    void createIntoAMissingNamespaceIsNotFound() {
        assertThat(kubectl.fails("create", "configmap", "orphan", "-n", "no-such-ns", "--from-literal=k=v"))
                .contains("namespaces \"no-such-ns\" not found");
        String err = kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orphan\n  namespace: no-such-ns\n",
                "create", "-f", "-").assertFails().stderr();
        assertThat(err).contains("Error from server (NotFound)").contains("namespaces \"no-such-ns\" not found");
    }

    @Test
    void terminatingNamespaceRefusesNewObjectsAndGoesAwayWhenEmpty() {
        String ns = newNamespace();
        kubectl.runWithInput("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: held
                  finalizers: ["example.com/hold"]
                data:
                  k: v
                """, "create", "-f", "-", "-n", ns).assertOk();
        kubectl.ok("create", "configmap", "plain", "-n", ns, "--from-literal=k=v");
        kubectl.ok("create", "deployment", "app", "-n", ns, "--image=nginx:1.27");

        assertThat(kubectl.ok("delete", "namespace", ns, "--wait=false")).contains("namespace \"" + ns + "\" deleted");
        JsonNode terminating = json(kubectl.ok("get", "namespace", ns, "-o", "json"));
        assertThat(terminating.at("/status/phase").asText()).isEqualTo("Terminating");
        assertThat(terminating.at("/metadata/deletionTimestamp").asText()).isNotBlank();
        assertThat(kubectl.ok("get", "namespace", ns)).contains("Terminating");

        String refused = kubectl.fails("create", "configmap", "late", "-n", ns, "--from-literal=k=v");
        assertThat(refused).contains("unable to create new content in namespace " + ns + " because it is being terminated");
        String refusedManifest = kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n",
                "create", "-f", "-", "-n", ns).assertFails().stderr();
        assertThat(refusedManifest).contains("Error from server (Forbidden)").contains("because it is being terminated");

        // the namespace's content goes; only the object held by a finalizer stays, marked for deletion
        Await.until(WATCH_TIMEOUT, "the namespace's deployment and unheld configmap to be deleted", () ->
                kubectl.run("get", "deployment", "app", "-n", ns).exitCode() != 0
                        && kubectl.run("get", "configmap", "plain", "-n", ns).exitCode() != 0);
        ObjectNode held = (ObjectNode) json(kubectl.ok("get", "configmap", "held", "-n", ns, "-o", "json"));
        assertThat(held.at("/metadata/deletionTimestamp").asText()).isNotBlank();
        assertThat(kubectl.ok("get", "namespace", ns, "-o", "jsonpath={.status.phase}")).isEqualTo("Terminating");

        // releasing the finalizer lets the namespace finish
        ((ObjectNode) held.path("metadata")).putArray("finalizers");
        kubectl.runWithInput(held.toString(), "replace", "-f", "-").assertOk();
        Await.until(WATCH_TIMEOUT, "namespace " + ns + " to disappear",
                () -> kubectl.run("get", "namespace", ns).stderr().contains("NotFound"));
    }

    // ---------------------------------------------------------------- generateName, dry run, status

    @Test
    void generateNameMakesUniqueNames() {
        String ns = newNamespace();
        String manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: job-output-\ndata:\n  k: v\n";
        String first = kubectl.runWithInput(manifest, "create", "-f", "-", "-n", ns, "-o", "name").assertOk().stdout().strip();
        String second = kubectl.runWithInput(manifest, "create", "-f", "-", "-n", ns, "-o", "name").assertOk().stdout().strip();
        assertThat(first).matches("configmap/job-output-[a-z0-9]{5}");
        assertThat(second).matches("configmap/job-output-[a-z0-9]{5}").isNotEqualTo(first);
        JsonNode created = json(kubectl.ok("get", first, "-n", ns, "-o", "json"));
        assertThat(created.at("/metadata/generateName").asText()).isEqualTo("job-output-");
        assertThat(nameLines(kubectl.ok("get", "configmaps", "-n", ns, "-o", "name"))).contains(first, second);
    }

    @Test
    void serverDryRunCreatesNothing() {
        String ns = newNamespace();
        String out = kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\ndata:\n  k: v\n",
                "create", "-f", "-", "-n", ns, "--dry-run=server").assertOk().stdout();
        assertThat(out).contains("configmap/dry created (server dry run)");
        JsonNode preview = json(kubectl.ok("create", "deployment", "dry", "-n", ns, "--image=nginx:1.27", "--dry-run=server", "-o", "json"));
        assertThat(preview.at("/metadata/name").asText()).isEqualTo("dry");
        assertThat(preview.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:1.27");
        assertThat(kubectl.fails("get", "configmap", "dry", "-n", ns)).contains("NotFound");
        assertThat(kubectl.fails("get", "deployment", "dry", "-n", ns)).contains("NotFound");
        // a dry run still validates
        assertThat(kubectl.runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n",
                "create", "-f", "-", "-n", ns, "--dry-run=server").assertFails().stderr()).contains("is invalid");
        // and still sees conflicts
        kubectl.ok("create", "configmap", "exists", "-n", ns, "--from-literal=k=v");
        assertThat(kubectl.fails("create", "configmap", "exists", "-n", ns, "--from-literal=k=v", "--dry-run=server"))
                .contains("already exists");
    }

    @Test
    void statusSubresourceAndMainResourceUpdateEachOtherIndependently() {
        // a kind no controller writes, so the test alone changes its status (a Deployment's controller would)
        String ns = newNamespace();
        kubectl.runWithInput("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gauges.stat.pier.dev}
                spec:
                  group: stat.pier.dev
                  names: {plural: gauges, singular: gauge, kind: Gauge}
                  scope: Namespaced
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    subresources: {status: {}}
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec: {type: object, properties: {replicas: {type: integer}}}
                          status: {type: object, properties: {replicas: {type: integer}, readyReplicas: {type: integer}, observedGeneration: {type: integer}}}
                """, "apply", "-f", "-").assertOk();
        kubectl.ok("wait", "--for=condition=Established", "crd/gauges.stat.pier.dev", "--timeout=30s");
        Await.until(Duration.ofSeconds(30), "gauges served", () ->
                kubectl.runWithInput("apiVersion: stat.pier.dev/v1\nkind: Gauge\nmetadata: {name: stat, namespace: " + ns
                        + "}\nspec: {replicas: 1}\n", "apply", "-f", "-").exitCode() == 0);
        ObjectNode original = (ObjectNode) json(kubectl.ok("get", "gauge", "stat", "-n", ns, "-o", "json"));
        long generation = original.at("/metadata/generation").asLong();

        // PUT .../status: the status changes, the spec does not
        ObjectNode statusUpdate = original.deepCopy();
        statusUpdate.putObject("status").put("replicas", 3).put("readyReplicas", 2).put("observedGeneration", generation);
        ((ObjectNode) statusUpdate.path("spec")).put("replicas", 9);
        kubectl.runWithInput(statusUpdate.toString(), "replace", "--subresource=status", "-f", "-").assertOk();
        JsonNode afterStatus = json(kubectl.ok("get", "gauge", "stat", "-n", ns, "-o", "json"));
        assertThat(afterStatus.at("/status/replicas").asInt()).isEqualTo(3);
        assertThat(afterStatus.at("/status/readyReplicas").asInt()).isEqualTo(2);
        assertThat(afterStatus.at("/spec/replicas").asInt()).as("a status update ignores the spec").isEqualTo(1);
        assertThat(afterStatus.at("/metadata/generation").asLong()).as("a status update does not bump generation").isEqualTo(generation);

        // PUT on the main resource: the spec changes, the status does not
        ObjectNode specUpdate = (ObjectNode) afterStatus.deepCopy();
        ((ObjectNode) specUpdate.path("spec")).put("replicas", 4);
        specUpdate.putObject("status").put("replicas", 42);
        kubectl.runWithInput(specUpdate.toString(), "replace", "-f", "-").assertOk();
        JsonNode afterSpec = json(kubectl.ok("get", "gauge", "stat", "-n", ns, "-o", "json"));
        assertThat(afterSpec.at("/spec/replicas").asInt()).isEqualTo(4);
        assertThat(afterSpec.at("/status/replicas").asInt()).as("a main-resource update ignores the status").isEqualTo(3);
        assertThat(afterSpec.at("/metadata/generation").asLong()).as("a spec change bumps generation").isGreaterThan(generation);

        // the same through the raw API (--raw takes a path from the host's root: a tenant's /clusters/<name> included)
        String prefix = java.net.URI.create(KubeconfigFile.read(cluster.kubeconfig()).server()).getPath();
        String raw = kubectl.ok("get", "--raw", prefix + "/apis/stat.pier.dev/v1/namespaces/" + ns + "/gauges/stat/status");
        JsonNode viaRaw = json(raw);
        assertThat(viaRaw.at("/kind").asText()).isEqualTo("Gauge");
        assertThat(viaRaw.at("/status/replicas").asInt()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- helpers

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static List<String> texts(JsonNode array, String pointer) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.at(pointer).asText()));
        return out;
    }

    static List<String> names(JsonNode list) {
        return texts(list.path("items"), "/metadata/name");
    }

    /**
     * The names kubectl printed, without the {@code kube-root-ca.crt} ConfigMap that every namespace holds
     * (as on a real cluster) and that the tests did not make.
     */
    static List<String> nameLines(String out) {
        return out.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.equals("configmap/kube-root-ca.crt")).toList();
    }

    static void assertUuid(String s) {
        assertThat(UUID.fromString(s).toString()).isEqualTo(s);
    }

    static void assertTimestamp(String s) {
        assertThat(Instant.parse(s)).isBefore(Instant.now().plusSeconds(60));
    }

    /** Whether {@code actual} has everything {@code expected} has (servers may add defaults). */
    /**
     * The object without the {@code node.kubernetes.io/*} taints the node lifecycle controller puts on a
     * Node that never reports (as on a real cluster): what the client sent is the rest.
     */
    static JsonNode withoutHealthTaints(JsonNode object) {
        if (!object.path("kind").asText().equals("Node") || !object.at("/spec/taints").isArray()) return object;
        ObjectNode copy = object.deepCopy();
        com.fasterxml.jackson.databind.node.ArrayNode kept = copy.arrayNode();
        for (JsonNode t : object.at("/spec/taints")) if (!t.path("key").asText().startsWith("node.kubernetes.io/")) kept.add(t);
        ((ObjectNode) copy.path("spec")).set("taints", kept);
        return copy;
    }

    static boolean containsAll(JsonNode actual, JsonNode expected) {
        if (expected.isObject()) {
            if (!actual.isObject()) return false;
            for (var it = expected.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!containsAll(actual.path(e.getKey()), e.getValue())) return false;
            }
            return true;
        }
        if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) return false;
            for (int i = 0; i < expected.size(); i++) if (!containsAll(actual.get(i), expected.get(i))) return false;
            return true;
        }
        if (expected.isNumber() && actual.isNumber()) return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        return expected.asText().equals(actual.asText()) && expected.isNumber() == actual.isNumber();
    }

    private static JsonNode findItem(JsonNode list, String apiVersion, String kind, String name) {
        for (JsonNode item : list.path("items")) {
            if (item.path("apiVersion").asText().equals(apiVersion) && item.path("kind").asText().equals(kind)
                    && item.at("/metadata/name").asText().equals(name)) {
                return item;
            }
        }
        return null;
    }
}
