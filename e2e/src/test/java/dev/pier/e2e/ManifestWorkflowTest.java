package dev.pier.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The everyday manifest workflow with the real kubectl against one {@code pier server} on SQLite:
 * client-side apply (three-way merge, prune), edit, the three patch types, label/annotate/set image/scale,
 * replace, diff, server-side apply with conflicts, explain and strict field validation, a CRD end to end,
 * and describe with events. Each test works in a namespace of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManifestWorkflowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CRD_TIMEOUT = Duration.ofSeconds(20);

    private Path work;
    private PierProcess pier;
    private Kubectl kubectl;
    private final AtomicInteger namespaces = new AtomicInteger();

    @BeforeAll
    void startServer() throws IOException {
        work = Files.createTempDirectory("pier-e2e-" + getClass().getSimpleName() + "-");
        pier = PierProcess.server(work.resolve("data")).start();
        kubectl = new Kubectl(pier.kubeconfig(), work.resolve("kubectl"));
    }

    @AfterAll
    void stopServer() {
        if (pier != null) pier.close();
        TempDirs.delete(work);
    }

    private String newNamespace() {
        String ns = "mw-" + namespaces.incrementAndGet();
        kubectl.ok("create", "namespace", ns);
        return ns;
    }

    // ---------------------------------------------------------------- client-side apply

    @Test
    void clientSideApplyCreatesUpdatesAndRemovesFields() {
        String ns = newNamespace();
        Path dir = dir("apply-" + ns);
        Path deployment = write(dir.resolve("deployment.yaml"), deployment("web", 2, "nginx:1.27", "debug", true, true));
        write(dir.resolve("service.yaml"), service("web"));

        String created = kubectl.ok("apply", "-f", dir.toString(), "-n", ns);
        assertThat(created).contains("deployment.apps/web created", "service/web created");
        JsonNode live = settled(ns, "web");
        String rv = live.path("metadata").path("resourceVersion").asText();
        assertThat(live.path("metadata").path("annotations").has("kubectl.kubernetes.io/last-applied-configuration")).isTrue();
        assertThat(live.path("spec").path("template").path("spec").path("containers")).hasSize(2);
        assertThat(kubectl.ok("get", "service", "web", "-n", ns, "-o", "jsonpath={.spec.ports[0].port}")).isEqualTo("80");

        // unchanged: nothing written
        String again = kubectl.ok("apply", "-f", dir.toString(), "-n", ns);
        assertThat(again).contains("deployment.apps/web unchanged", "service/web unchanged");
        assertThat(getJson(ns, "deployment", "web").path("metadata").path("resourceVersion").asText()).isEqualTo(rv);

        // modified: replicas, an env value, an image
        write(deployment, deployment("web", 3, "nginx:1.28", "info", true, true));
        assertThat(kubectl.ok("apply", "-f", deployment.toString(), "-n", ns)).contains("deployment.apps/web configured");
        live = getJson(ns, "deployment", "web");
        assertThat(live.path("spec").path("replicas").asInt()).isEqualTo(3);
        JsonNode app = container(live, "app");
        assertThat(app.path("image").asText()).isEqualTo("nginx:1.28");
        assertThat(env(app, "LOG_LEVEL")).isEqualTo("info");
        assertThat(env(app, "MODE")).isEqualTo("web");
        assertThat(container(live, "sidecar").path("image").asText()).isEqualTo("busybox:1.36");

        // removed from the manifest: an env var and a label disappear from the live object
        write(deployment, deployment("web", 3, "nginx:1.28", "info", false, false));
        assertThat(kubectl.ok("apply", "-f", deployment.toString(), "-n", ns)).contains("deployment.apps/web configured");
        live = getJson(ns, "deployment", "web");
        app = container(live, "app");
        assertThat(env(app, "MODE")).as("env MODE removed: %s", app).isNull();
        assertThat(env(app, "LOG_LEVEL")).isEqualTo("info");
        assertThat(live.path("metadata").path("labels").has("tier")).as("label tier removed: %s", live.path("metadata"))
                .isFalse();
        assertThat(live.path("metadata").path("labels").path("app").asText()).isEqualTo("x");
    }

    /** {@code apply --prune} with kubectl's default allow-list (which includes v1 ReplicationController and networking.k8s.io/v1 Ingress). */
    @Test
    void applyPruneDeletesAnObjectWhoseManifestLeftTheDirectory() {
        prune(List.of());
    }

    /** The same with an explicit allow-list, so pruning itself is checked even where a default-listed kind is not served. */
    @Test
    void applyPruneWithAnAllowList() {
        prune(List.of("--prune-allowlist=core/v1/ConfigMap"));
    }

    private void prune(List<String> extraFlags) {
        String ns = newNamespace();
        Path dir = dir("prune-" + ns);
        write(dir.resolve("a.yaml"), configMap("cm-a"));
        Path b = write(dir.resolve("b.yaml"), configMap("cm-b"));
        assertThat(kubectl.ok("apply", "-f", dir.toString(), "-n", ns)).contains("configmap/cm-a created", "configmap/cm-b created");
        kubectl.ok("create", "configmap", "unlabelled", "-n", ns);
        delete(b);
        List<String> args = new ArrayList<>(List.of("apply", "--prune", "-l", "app=x", "-f", dir.toString(), "-n", ns));
        args.addAll(extraFlags);
        String pruned = kubectl.ok(args.toArray(String[]::new));
        assertThat(pruned).contains("configmap/cm-a unchanged", "configmap/cm-b pruned");
        assertThat(kubectl.ok("get", "configmaps", "-n", ns, "-l", "app=x", "-o", "name")).isEqualTo("configmap/cm-a\n");
        assertThat(kubectl.ok("get", "configmap", "unlabelled", "-n", ns, "-o", "name")).isEqualTo("configmap/unlabelled\n");
    }

    // ---------------------------------------------------------------- edit, label, annotate, set image, scale

    @Test
    void editLabelAnnotateSetImageAndScale() {
        String ns = newNamespace();
        Path file = write(dir("edit-" + ns).resolve("deployment.yaml"), deployment("web", 2, "nginx:1.27", "debug", true, true));
        kubectl.ok("create", "-f", file.toString(), "-n", ns);

        Kubectl.Result edited = runWithEnv("KUBE_EDITOR", "sed -i 's/replicas: 2/replicas: 5/'", "edit", "deployment/web", "-n", ns);
        assertThat(edited.exitCode()).as("%s", edited).isZero();
        assertThat(edited.stdout()).contains("deployment.apps/web edited");
        assertThat(jsonpath(ns, "deployment/web", "{.spec.replicas}")).isEqualTo("5");

        assertThat(kubectl.ok("label", "deployment/web", "owner=team-a", "-n", ns)).contains("deployment.apps/web labeled");
        assertThat(jsonpath(ns, "deployment/web", "{.metadata.labels.owner}")).isEqualTo("team-a");
        assertThat(kubectl.ok("label", "deployment/web", "owner-", "-n", ns)).contains("deployment.apps/web unlabeled");
        assertThat(getJson(ns, "deployment", "web").path("metadata").path("labels").has("owner")).isFalse();

        assertThat(kubectl.ok("annotate", "deployment/web", "note=hello", "-n", ns)).contains("deployment.apps/web annotated");
        assertThat(jsonpath(ns, "deployment/web", "{.metadata.annotations.note}")).isEqualTo("hello");
        kubectl.ok("annotate", "deployment/web", "note=bye", "--overwrite", "-n", ns);
        assertThat(jsonpath(ns, "deployment/web", "{.metadata.annotations.note}")).isEqualTo("bye");

        assertThat(kubectl.ok("set", "image", "deployment/web", "app=nginx:1.29", "-n", ns))
                .contains("deployment.apps/web image updated");
        JsonNode live = getJson(ns, "deployment", "web");
        assertThat(container(live, "app").path("image").asText()).isEqualTo("nginx:1.29");
        assertThat(container(live, "sidecar").path("image").asText()).isEqualTo("busybox:1.36");

        assertThat(kubectl.ok("scale", "deployment/web", "--replicas=7", "-n", ns)).contains("deployment.apps/web scaled");
        assertThat(jsonpath(ns, "deployment/web", "{.spec.replicas}")).isEqualTo("7");
    }

    // ---------------------------------------------------------------- patch

    @Test
    void patchStrategicMergeJsonMergeAndJsonPatch() {
        String ns = newNamespace();
        Path file = write(dir("patch-" + ns).resolve("deployment.yaml"), deployment("web", 2, "nginx:1.27", "debug", true, true));
        kubectl.ok("create", "-f", file.toString(), "-n", ns);

        // strategic merge: containers merge by name
        kubectl.ok("patch", "deployment", "web", "-n", ns, "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox:1.37\"}]}}}}");
        JsonNode live = getJson(ns, "deployment", "web");
        assertThat(live.path("spec").path("template").path("spec").path("containers")).hasSize(2);
        assertThat(container(live, "sidecar").path("image").asText()).isEqualTo("busybox:1.37");
        assertThat(container(live, "app").path("image").asText()).isEqualTo("nginx:1.27");
        assertThat(env(container(live, "app"), "LOG_LEVEL")).isEqualTo("debug");

        // strategic merge: env merges by name
        kubectl.ok("patch", "deployment", "web", "-n", ns, "--type=strategic", "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"env\":[{\"name\":\"NEW\",\"value\":\"n\"}]}]}}}}");
        JsonNode app = container(getJson(ns, "deployment", "web"), "app");
        assertThat(env(app, "NEW")).isEqualTo("n");
        assertThat(env(app, "LOG_LEVEL")).isEqualTo("debug");
        assertThat(env(app, "MODE")).isEqualTo("web");

        // JSON merge patch
        kubectl.ok("patch", "deployment", "web", "-n", ns, "--type=merge", "-p",
                "{\"metadata\":{\"labels\":{\"patched\":\"yes\",\"tier\":null}},\"spec\":{\"replicas\":4}}");
        live = getJson(ns, "deployment", "web");
        assertThat(live.path("metadata").path("labels").path("patched").asText()).isEqualTo("yes");
        assertThat(live.path("metadata").path("labels").has("tier")).isFalse();
        assertThat(live.path("spec").path("replicas").asInt()).isEqualTo(4);

        // JSON patch, a passing test op then a replace
        kubectl.ok("patch", "deployment", "web", "-n", ns, "--type=json", "-p",
                "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":4},{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":6}]");
        assertThat(jsonpath(ns, "deployment/web", "{.spec.replicas}")).isEqualTo("6");
        // a failing test op: error, nothing applied
        Kubectl.Result failed = kubectl.run("patch", "deployment", "web", "-n", ns, "--type=json", "-p",
                "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":99},{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":1}]");
        failed.assertFails();
        assertThat(failed.stderr()).as("%s", failed).isNotBlank();
        assertThat(jsonpath(ns, "deployment/web", "{.spec.replicas}")).isEqualTo("6");
    }

    // ---------------------------------------------------------------- replace, diff

    @Test
    void replaceAndDiff() {
        String ns = newNamespace();
        Path file = write(dir("replace-" + ns).resolve("deployment.yaml"), deployment("web", 2, "nginx:1.27", "debug", true, true));
        kubectl.ok("create", "-f", file.toString(), "-n", ns);
        // kubectl replace reads the live resourceVersion, then writes: let the controller finish its status first
        settled(ns, "web");

        write(file, deployment("web", 3, "nginx:1.28", "debug", true, true));
        Kubectl.Result different = kubectl.run("diff", "-f", file.toString(), "-n", ns);
        assertThat(different.exitCode()).as("diff of a changed manifest exits 1: %s", different).isEqualTo(1);
        assertThat(different.stdout()).contains("-  replicas: 2", "+  replicas: 3", "nginx:1.28");

        assertThat(kubectl.ok("replace", "-f", file.toString(), "-n", ns)).contains("deployment.apps/web replaced");
        JsonNode live = getJson(ns, "deployment", "web");
        assertThat(live.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(container(live, "app").path("image").asText()).isEqualTo("nginx:1.28");

        Kubectl.Result same = kubectl.run("diff", "-f", file.toString(), "-n", ns);
        assertThat(same.exitCode()).as("diff of the live manifest exits 0: %s", same).isZero();
        assertThat(same.stdout()).isEmpty();
    }

    // ---------------------------------------------------------------- server-side apply

    @Test
    void serverSideApplyConflictsAndForce() {
        String ns = newNamespace();
        Path dir = dir("ssa-" + ns);
        Path mine = write(dir.resolve("mine.yaml"), deployment("web", 2, "nginx:1.27", "debug", true, true));
        Path theirs = write(dir.resolve("theirs.yaml"), deployment("web", 4, "nginx:1.27", "debug", true, true));

        assertThat(kubectl.ok("apply", "--server-side", "-f", mine.toString(), "-n", ns)).contains("deployment.apps/web serverside-applied");

        Kubectl.Result conflict = kubectl.run("apply", "--server-side", "--field-manager=other", "-f", theirs.toString(), "-n", ns);
        conflict.assertFails();
        assertThat(conflict.stderr()).as("%s", conflict).containsIgnoringCase("conflict").contains("\"kubectl\"", ".spec.replicas");
        assertThat(jsonpath(ns, "deployment/web", "{.spec.replicas}")).isEqualTo("2");

        kubectl.ok("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", theirs.toString(), "-n", ns);
        assertThat(jsonpath(ns, "deployment/web", "{.spec.replicas}")).isEqualTo("4");

        String yaml = kubectl.ok("get", "deployment", "web", "-n", ns, "-o", "yaml", "--show-managed-fields");
        assertThat(yaml).contains("managedFields:", "manager: kubectl", "manager: other", "operation: Apply");
        JsonNode managed = getJson(ns, "deployment", "web", "--show-managed-fields").path("metadata").path("managedFields");
        List<String> managers = new ArrayList<>();
        managed.forEach(m -> managers.add(m.path("manager").asText()));
        assertThat(managers).contains("kubectl", "other");
        for (JsonNode m : managed) {
            boolean ownsReplicas = m.path("fieldsV1").path("f:spec").has("f:replicas");
            assertThat(ownsReplicas).as("only 'other' owns .spec.replicas after the forced apply: %s", managed)
                    .isEqualTo(m.path("manager").asText().equals("other"));
        }
    }

    // ---------------------------------------------------------------- explain, field validation

    @Test
    void explainAndStrictFieldValidation() {
        String explained = kubectl.ok("explain", "deployment.spec.strategy");
        assertThat(explained).contains("rollingUpdate", "type");
        // the same through OpenAPI v2, which kubectl fetches in its protobuf form
        String explainedV2 = kubectl.ok("explain", "pods.spec.containers.ports", "--output=plaintext-openapiv2");
        assertThat(explainedV2).contains("RESOURCE: ports", "containerPort", "-required-");

        String ns = newNamespace();
        Path bad = write(dir("bad-" + ns).resolve("bad.yaml"),
                deployment("bad", 1, "nginx:1.27", "debug", true, true).replace("  replicas: 1\n", "  replicass: 1\n"));
        assertThat(Files.exists(bad)).isTrue();
        String err = kubectl.fails("create", "-f", bad.toString(), "-n", ns);
        assertThat(err).contains("unknown field \"spec.replicass\"");
        assertThat(kubectl.run("get", "deployment", "bad", "-n", ns).exitCode()).isNotZero();
    }

    // ---------------------------------------------------------------- CRD

    @Test
    void customResourceDefinitionLifecycle() {
        String ns = newNamespace();
        Path dir = dir("crd-" + ns);
        Path crd = write(dir.resolve("crd.yaml"), WIDGET_CRD);
        kubectl.ok("create", "-f", crd.toString());
        awaitResourceServed(ns);

        Path valid = write(dir.resolve("w1.yaml"), widget("w1", "size: 3\n    color: red\n    name: alpha"));
        assertThat(kubectl.ok("create", "-f", valid.toString(), "-n", ns)).contains("widget.e2e.pier.dev/w1 created");
        String table = kubectl.ok("get", "widgets", "-n", ns);
        List<String> rows = table.lines().toList();
        assertThat(rows.get(0)).contains("NAME", "SIZE", "COLOR", "AGE");
        assertThat(rows).anySatisfy(r -> assertThat(r.split("\\s+")).startsWith("w1", "3", "red"));
        JsonNode w1 = getJson(ns, "widget", "w1");
        assertThat(w1.path("spec").path("tier").asText()).as("defaulted: %s", w1).isEqualTo("standard");
        assertThat(w1.path("spec").path("replicas").asInt()).as("defaulted: %s", w1).isEqualTo(1);

        Path tooBig = write(dir.resolve("w2.yaml"), widget("w2", "size: 42\n    color: red"));
        String err = kubectl.fails("create", "-f", tooBig.toString(), "-n", ns);
        assertThat(err).contains("spec.size");
        Path badColor = write(dir.resolve("w3.yaml"), widget("w3", "size: 2\n    color: purple"));
        assertThat(kubectl.fails("create", "-f", badColor.toString(), "-n", ns)).contains("spec.color");
        Path missing = write(dir.resolve("w4.yaml"), widget("w4", "color: blue"));
        assertThat(kubectl.fails("create", "-f", missing.toString(), "-n", ns)).contains("spec.size");
        Path badName = write(dir.resolve("w5.yaml"), widget("w5", "size: 2\n    color: blue\n    name: NotLower"));
        assertThat(kubectl.fails("create", "-f", badName.toString(), "-n", ns)).contains("spec.name");
        assertThat(kubectl.ok("get", "widgets", "-n", ns, "-o", "name")).isEqualTo("widget.e2e.pier.dev/w1\n");

        assertThat(kubectl.ok("scale", "widget/w1", "--replicas=3", "-n", ns)).contains("widget.e2e.pier.dev/w1 scaled");
        assertThat(jsonpath(ns, "widget/w1", "{.spec.replicas}")).isEqualTo("3");

        String explained = kubectl.ok("explain", "widgets.spec");
        assertThat(explained).contains("size", "color", "tier");

        // deleting the CRD deletes its objects: a recreated CRD starts empty
        kubectl.ok("delete", "crd", "widgets.e2e.pier.dev", "--timeout=20s");
        Await.until(CRD_TIMEOUT, "the CRD to be gone", () ->
                kubectl.run("get", "crd", "widgets.e2e.pier.dev", "--ignore-not-found", "-o", "name").assertOk().stdout().isBlank());
        kubectl.ok("create", "-f", crd.toString());
        awaitResourceServed(ns);
        assertThat(kubectl.ok("get", "widgets", "-n", ns, "-o", "name")).isEmpty();
        assertThat(kubectl.ok("get", "widgets", "-A", "-o", "name")).isEmpty();
        kubectl.ok("delete", "crd", "widgets.e2e.pier.dev", "--timeout=20s");
    }

    private void awaitResourceServed(String ns) {
        Await.until(CRD_TIMEOUT, () -> "kubectl get widgets to work: " + kubectl.run("get", "widgets", "-n", ns),
                () -> kubectl.run("get", "widgets", "-n", ns).exitCode() == 0);
    }

    // ---------------------------------------------------------------- describe, events

    @Test
    void describeShowsContainersAndEvents() {
        String ns = newNamespace();
        Path dir = dir("describe-" + ns);
        Path file = write(dir.resolve("deployment.yaml"), deployment("web", 2, "nginx:1.27", "debug", true, true));
        kubectl.ok("create", "-f", file.toString(), "-n", ns);
        String uid = getJson(ns, "deployment", "web").path("metadata").path("uid").asText();

        String described = kubectl.ok("describe", "deployment", "web", "-n", ns);
        assertThat(described).containsPattern("Name:\\s+web").containsPattern("Namespace:\\s+" + ns)
                .contains("Containers:", "app:", "sidecar:", "nginx:1.27", "busybox:1.36", "LOG_LEVEL:");
        String namespace = kubectl.ok("describe", "namespace", "default");
        assertThat(namespace).containsPattern("Name:\\s+default").containsPattern("Status:\\s+Active");

        String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Path event = write(dir.resolve("event.yaml"), """
                apiVersion: v1
                kind: Event
                metadata:
                  name: web.e2e
                involvedObject:
                  apiVersion: apps/v1
                  kind: Deployment
                  name: web
                  namespace: %s
                  uid: %s
                reason: E2EScaled
                message: scaled by the e2e test
                type: Normal
                count: 1
                firstTimestamp: "%s"
                lastTimestamp: "%s"
                source:
                  component: pier-e2e
                """.formatted(ns, uid, now, now));
        kubectl.ok("create", "-f", event.toString(), "-n", ns);
        String withEvents = kubectl.ok("describe", "deployment", "web", "-n", ns);
        String events = withEvents.substring(withEvents.indexOf("Events:"));
        assertThat(events).as(withEvents).contains("E2EScaled", "scaled by the e2e test", "pier-e2e", "Normal");
    }

    // ---------------------------------------------------------------- helpers

    /** A Deployment labelled app=x with containers "app" (env LOG_LEVEL, optionally MODE) and "sidecar". */
    private static String deployment(String name, int replicas, String image, String logLevel, boolean withMode, boolean withTier) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                  labels:
                    app: x
                %s
                spec:
                  replicas: %d
                  selector:
                    matchLabels:
                      app: %s
                  template:
                    metadata:
                      labels:
                        app: %s
                    spec:
                      containers:
                      - name: app
                        image: %s
                        env:
                        - name: LOG_LEVEL
                          value: %s
                %s
                      - name: sidecar
                        image: busybox:1.36
                        command: ["sleep", "3600"]
                """.formatted(name, withTier ? "    tier: web" : "", replicas, name, name, image, logLevel,
                withMode ? "        - name: MODE\n          value: web" : "").replaceAll("\n\n", "\n");
    }

    private static String service(String name) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %s
                  labels:
                    app: x
                spec:
                  selector:
                    app: %s
                  ports:
                  - port: 80
                    targetPort: 8080
                """.formatted(name, name);
    }

    private static String configMap(String name) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  labels:
                    app: x
                data:
                  key: value
                """.formatted(name);
    }

    private static String widget(String name, String spec) {
        return """
                apiVersion: e2e.pier.dev/v1
                kind: Widget
                metadata:
                  name: %s
                spec:
                    %s
                """.formatted(name, spec);
    }

    private static final String WIDGET_CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.e2e.pier.dev
            spec:
              group: e2e.pier.dev
              scope: Namespaced
              names:
                plural: widgets
                singular: widget
                kind: Widget
                listKind: WidgetList
              versions:
              - name: v1
                served: true
                storage: true
                additionalPrinterColumns:
                - name: Size
                  type: integer
                  jsonPath: .spec.size
                - name: Color
                  type: string
                  jsonPath: .spec.color
                - name: Age
                  type: date
                  jsonPath: .metadata.creationTimestamp
                subresources:
                  status: {}
                  scale:
                    specReplicasPath: .spec.replicas
                    statusReplicasPath: .status.replicas
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        description: The desired widget.
                        required: ["size"]
                        properties:
                          size:
                            type: integer
                            description: How big the widget is.
                            minimum: 1
                            maximum: 10
                          color:
                            type: string
                            description: The widget's color.
                            enum: ["red", "green", "blue"]
                          name:
                            type: string
                            pattern: "^[a-z]+$"
                          tier:
                            type: string
                            default: standard
                          replicas:
                            type: integer
                            default: 1
                      status:
                        type: object
                        properties:
                          replicas:
                            type: integer
            """;

    /**
     * The deployment once its controller has caught up (status for the current generation and replica
     * count): from then on only clients change it, so resourceVersions compare as the test means.
     */
    private JsonNode settled(String ns, String name) {
        JsonNode[] last = new JsonNode[1];
        Await.until(Duration.ofSeconds(30), () -> "deployment " + name + " status to settle: " + last[0], () -> {
            last[0] = getJson(ns, "deployment", name);
            JsonNode status = last[0].path("status");
            return status.path("observedGeneration").asLong() == last[0].at("/metadata/generation").asLong()
                    && status.path("replicas").asInt() == last[0].at("/spec/replicas").asInt()
                    && status.path("conditions").size() >= 2;
        });
        // one more read a moment later must show no further change
        Await.pause();
        JsonNode again = getJson(ns, "deployment", name);
        return again.at("/metadata/resourceVersion").equals(last[0].at("/metadata/resourceVersion")) ? again : settled(ns, name);
    }

    private JsonNode getJson(String ns, String resource, String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("get", resource, name, "-n", ns, "-o", "json"));
        args.addAll(List.of(extra));
        try {
            return JSON.readTree(kubectl.ok(args.toArray(String[]::new)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String jsonpath(String ns, String ref, String path) {
        return kubectl.ok("get", ref, "-n", ns, "-o", "jsonpath=" + path);
    }

    private static JsonNode container(JsonNode deployment, String name) {
        for (JsonNode c : deployment.path("spec").path("template").path("spec").path("containers")) {
            if (c.path("name").asText().equals(name)) return c;
        }
        throw new AssertionError("no container " + name + " in " + deployment.path("spec"));
    }

    /** The value of env var {@code name} of a container, null if absent. */
    private static String env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) return e.path("value").asText();
        }
        return null;
    }

    private Path dir(String name) {
        try {
            return Files.createDirectories(work.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * kubectl with one extra environment variable (e.g. {@code KUBE_EDITOR}); otherwise set up as {@link Kubectl}
     * does: explicit kubeconfig, own cache directory and HOME, no stdin, a deadline.
     */
    private Kubectl.Result runWithEnv(String var, String value, String... args) {
        Path scratch = work.resolve("kubectl");
        try {
            Files.createDirectories(scratch);
            Path out = Files.createTempFile(scratch, "kubectl-env-", ".out");
            Path err = Files.createTempFile(scratch, "kubectl-env-", ".err");
            List<String> cmd = new ArrayList<>(List.of(Kubectl.BINARY, "--kubeconfig=" + kubectl.kubeconfig(),
                    "--cache-dir=" + scratch.resolve("kube-cache")));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("KUBECONFIG");
            pb.environment().remove("KUBECACHEDIR");
            pb.environment().remove("EDITOR");
            pb.environment().put("HOME", scratch.toString());
            pb.environment().put(var, value);
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within 30s\nstdout: "
                        + Files.readString(out) + "\nstderr: " + Files.readString(err));
            }
            return new Kubectl.Result(List.of(args), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
