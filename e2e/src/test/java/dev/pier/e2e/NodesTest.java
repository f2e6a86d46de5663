package dev.pier.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real nodes: {@code pier up --nodes 2} makes two local machines (network namespaces with their own
 * containerd) running {@code pier agent}, and real kubectl runs pods of the seed images on them:
 * Deployments spread over both nodes, pods reaching each other across nodes by IP, a Service on its
 * ClusterIP, NodePort and HAProxy VIP, {@code kubectl logs} and {@code exec}, restarts with
 * back-off, OOM kills, probes, volumes following their ConfigMap, image and config errors with
 * Kubernetes' reasons, graceful deletion, an image of the user's own pushed with {@code pier image push},
 * an agent killed and adopting its pods, and Pier stopped
 * and started again with its pods running again. Stopping leaves nothing of the machines on the host.
 *
 * <p>Needs root and the node stack (.ci/run installs it). Traffic goes only to loopback (the VIP) and
 * to addresses inside the namespaces Pier made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RUNNING = Duration.ofSeconds(90);
    private static final List<String> NODES = List.of("demo-node-1", "demo-node-2");

    private Path work;
    private PierProcess pier;
    private Kubectl kubectl;

    @BeforeAll
    void start() throws IOException {
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "nodes-");
        pier = PierProcess.up(work.resolve("data"), "demo").args("--nodes", "2").start();
        kubectl = new Kubectl(pier.clusterKubeconfig(), work.resolve("kubectl"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (pier != null && pier.isAlive()) pier.stop();
            if (pier != null) assertNothingLeft();
        } finally {
            TempDirs.delete(work);
        }
    }

    @Test
    @Order(1)
    void nodesAreReadyWithTheirAddressesAndRuntime() {
        JsonNode nodes = json("get", "nodes", "-o", "json");
        assertThat(nodes.path("items")).hasSize(2);
        Set<String> ips = new HashSet<>();
        for (JsonNode node : nodes.path("items")) {
            assertThat(NODES).contains(node.at("/metadata/name").asText());
            assertThat(condition(node, "Ready")).isEqualTo("True");
            ips.add(address(node, "InternalIP"));
            assertThat(node.at("/status/nodeInfo/containerRuntimeVersion").asText()).startsWith("containerd://1.");
            assertThat(node.at("/status/nodeInfo/osImage").asText()).isNotEmpty();
            assertThat(node.at("/status/nodeInfo/kernelVersion").asText()).isNotEmpty();
            assertThat(node.at("/spec/podCIDR").asText()).matches("\\d+\\.\\d+\\.\\d+\\.0/24");
            assertThat(node.at("/status/allocatable/cpu").asText()).isNotEmpty();
            assertThat(node.at("/status/capacity/pods").asText()).isEqualTo("110");
        }
        assertThat(ips).hasSize(2);
        assertThat(kubectl.ok("get", "nodes", "-o", "wide")).contains("Ready").contains("containerd://");
        JsonNode lease = json("get", "lease", "demo-node-1", "-n", "kube-node-lease", "-o", "json");
        assertThat(lease.at("/spec/holderIdentity").asText()).isEqualTo("demo-node-1");
    }

    @Test
    @Order(2)
    void aDeploymentRunsOnBothNodesAndPodsReachEachOtherAcrossThem() {
        kubectl.ok("create", "deployment", "web", "--image=nginx", "--replicas=3");
        kubectl.ok("rollout", "status", "deployment/web", "--timeout=90s");
        List<JsonNode> pods = items("pods", "-l", "app=web");
        Set<String> nodes = new HashSet<>();
        for (JsonNode p : pods) {
            assertThat(p.at("/status/phase").asText()).isEqualTo("Running");
            assertThat(condition(p, "Ready")).isEqualTo("True");
            assertThat(p.at("/status/podIP").asText()).isNotEmpty();
            assertThat(p.at("/status/containerStatuses/0/containerID").asText()).startsWith("containerd://");
            assertThat(p.at("/status/containerStatuses/0/imageID").asText()).contains("sha256:");
            nodes.add(p.at("/spec/nodeName").asText());
        }
        assertThat(nodes).as("replicas are spread over the nodes").containsExactlyInAnyOrderElementsOf(NODES);

        // a busybox pod on each node fetches nginx's page from a web pod on the other node, by pod IP
        for (String node : NODES) {
            JsonNode target = pods.stream().filter(p -> !p.at("/spec/nodeName").asText().equals(node)).findFirst().orElseThrow();
            String name = "fetch-from-" + node;
            apply("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: %s}
                    spec:
                      nodeName: %s
                      restartPolicy: Never
                      containers:
                      - name: fetch
                        image: busybox
                        command: [sh, -c, 'wget -q -O- http://%s/ | grep -q "Welcome to nginx" && echo reached > /dev/termination-log']
                    """.formatted(name, node, target.at("/status/podIP").asText()));
            JsonNode done = awaitPod(name, p -> p.at("/status/phase").asText().equals("Succeeded")
                    || p.at("/status/phase").asText().equals("Failed"));
            assertThat(done.at("/status/phase").asText()).as(done.toString()).isEqualTo("Succeeded");
            assertThat(done.at("/status/containerStatuses/0/state/terminated/message").asText()).isEqualTo("reached\n");
            assertThat(done.at("/status/containerStatuses/0/state/terminated/reason").asText()).isEqualTo("Completed");
        }
    }

    @Test
    @Order(3)
    void servicesAnswerOnTheirClusterIpNodePortAndLoadBalancer() throws Exception {
        kubectl.ok("expose", "deployment", "web", "--port=80", "--type=LoadBalancer");
        JsonNode[] svc = {null};
        Await.until(RUNNING, () -> "an EXTERNAL-IP for web: " + svc[0], () -> {
            svc[0] = json("get", "svc", "web", "-o", "json");
            return !svc[0].at("/status/loadBalancer/ingress/0/ip").asText().isEmpty();
        });
        String vip = svc[0].at("/status/loadBalancer/ingress/0/ip").asText();
        assertThat(vip).startsWith("127.");
        assertThat(kubectl.ok("get", "svc", "web")).contains(vip);
        Await.until(RUNNING, "endpoints of web", () -> json("get", "endpointslices", "-l", "kubernetes.io/service-name=web", "-o", "json")
                .at("/items/0/endpoints").size() == 3);
        // from the host: the load balancer's VIP (HAProxy) and every node's NodePort (the agents' iptables rules)
        assertThat(httpGet("http://" + vip + "/")).contains("Welcome to nginx");
        int nodePort = svc[0].at("/spec/ports/0/nodePort").asInt();
        for (JsonNode node : items("nodes")) {
            assertThat(httpGet("http://" + address(node, "InternalIP") + ":" + nodePort + "/")).contains("Welcome to nginx");
        }
        // from a pod on node 1: the ClusterIP, ten requests in a row, whichever pod and node answers each
        String clusterIp = svc[0].at("/spec/clusterIP").asText();
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: client}
                spec:
                  nodeName: demo-node-1
                  restartPolicy: Never
                  containers:
                  - name: client
                    image: busybox
                    command: [sh, -c, 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O- http://%s/ | grep -q "Welcome to nginx" || exit 1; done; echo ten > /dev/termination-log']
                """.formatted(clusterIp));
        JsonNode done = awaitPod("client", p -> p.at("/status/phase").asText().equals("Succeeded") || p.at("/status/phase").asText().equals("Failed"));
        assertThat(done.at("/status/phase").asText()).as(done.toString()).isEqualTo("Succeeded");
        assertThat(done.at("/status/containerStatuses/0/state/terminated/message").asText()).isEqualTo("ten\n");
    }

    @Test
    @Order(4)
    void aCrashingContainerRestartsWithBackOff() {
        kubectl.ok("run", "crash", "--image=busybox", "--", "sh", "-c", "echo bye; exit 3");
        JsonNode pod = awaitPod("crash", p -> p.at("/status/containerStatuses/0/restartCount").asInt() >= 2
                && p.at("/status/containerStatuses/0/state/waiting/reason").asText().equals("CrashLoopBackOff"));
        JsonNode status = pod.at("/status/containerStatuses/0");
        assertThat(status.at("/lastState/terminated/exitCode").asInt()).isEqualTo(3);
        assertThat(status.at("/lastState/terminated/reason").asText()).isEqualTo("Error");
        assertThat(status.at("/state/waiting/message").asText()).contains("back-off").contains("restarting failed container=crash");
        assertThat(pod.at("/status/phase").asText()).isEqualTo("Running");
        assertThat(kubectl.ok("get", "events", "--field-selector", "involvedObject.name=crash")).contains("BackOff");
        assertThat(kubectl.ok("logs", "crash", "--previous")).isEqualTo("bye\n");
    }

    @Test
    @Order(5)
    void aContainerOverItsMemoryLimitIsOomKilled() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: hog}
                spec:
                  restartPolicy: Never
                  containers:
                  - name: hog
                    image: busybox
                    command: [sh, -c, 'x=$(head -c 100000000 /dev/zero | tr "\\\\0" a); echo $${#x}']
                    resources: {limits: {memory: 20Mi}}
                """);
        JsonNode pod = awaitPod("hog", p -> p.at("/status/phase").asText().equals("Failed"));
        assertThat(pod.at("/status/containerStatuses/0/state/terminated/reason").asText()).isEqualTo("OOMKilled");
        assertThat(pod.at("/status/containerStatuses/0/state/terminated/exitCode").asInt()).isEqualTo(137);
        assertThat(pod.at("/status/qosClass").asText()).isEqualTo("Burstable");
    }

    @Test
    @Order(6)
    void probesRestartTheDeadAndTakeTheUnreadyOutOfReady() {
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: probed}
                spec:
                  containers:
                  - name: live
                    image: busybox
                    command: [sh, -c, 'touch /tmp/alive; sleep 4; rm /tmp/alive; sleep 3600']
                    livenessProbe: {exec: {command: [cat, /tmp/alive]}, periodSeconds: 1, failureThreshold: 2}
                  - name: web
                    image: nginx
                    readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
                """);
        JsonNode restarted = awaitPod("probed", p -> containerStatus(p, "live").at("/restartCount").asInt() >= 1);
        assertThat(containerStatus(restarted, "web").at("/restartCount").asInt()).isZero();
        assertThat(kubectl.ok("get", "events", "--field-selector", "involvedObject.name=probed")).contains("Unhealthy");

        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: flaky}
                spec:
                  containers:
                  - name: flaky
                    image: busybox
                    command: [sh, -c, 'touch /tmp/ready; sleep 15; rm /tmp/ready; sleep 3600']
                    readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1, failureThreshold: 1}
                """);
        awaitPod("flaky", p -> condition(p, "Ready").equals("True"));
        JsonNode unready = awaitPod("flaky", p -> condition(p, "Ready").equals("False"));
        assertThat(containerStatus(unready, "flaky").at("/ready").asBoolean()).isFalse();
        assertThat(containerStatus(unready, "flaky").at("/restartCount").asInt()).isZero();
        assertThat(unready.at("/status/phase").asText()).isEqualTo("Running");
    }

    @Test
    @Order(7)
    void aReadinessProbeFollowsAConfigMapMountedAsAVolume() {
        kubectl.ok("create", "configmap", "settings", "--from-literal=mode=old");
        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: reader}
                spec:
                  containers:
                  - name: reader
                    image: busybox
                    command: [sleep, "3600"]
                    env:
                    - name: MODE
                      valueFrom: {configMapKeyRef: {name: settings, key: mode}}
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    readinessProbe:
                      exec: {command: [sh, -c, 'grep -q new /config/mode && test "$MODE" = old && test "$POD_NAME" = reader']}
                      periodSeconds: 1
                    volumeMounts: [{name: config, mountPath: /config}]
                  volumes:
                  - name: config
                    configMap: {name: settings}
                """);
        JsonNode running = awaitPod("reader", p -> p.at("/status/phase").asText().equals("Running"));
        assertThat(condition(running, "Ready")).isEqualTo("False");
        kubectl.ok("patch", "configmap", "settings", "--type=merge", "-p", "{\"data\":{\"mode\":\"new\"}}");
        awaitPod("reader", p -> condition(p, "Ready").equals("True"));
        Kubectl.Result exec = kubectl.run("exec", "reader", "--", "sh", "-c", "cat /config/mode; exit 3");
        assertThat(exec.exitCode()).as(exec.toString()).isEqualTo(3);
        assertThat(exec.stdout()).isEqualTo("new");
    }

    @Test
    @Order(8)
    void missingImagesAndKeysWaitWithKubernetesReasons() {
        kubectl.ok("run", "nope", "--image=nothing-here:v1");
        JsonNode pulling = awaitPod("nope", p -> p.at("/status/containerStatuses/0/state/waiting/reason").asText().equals("ImagePullBackOff"));
        assertThat(pulling.at("/status/containerStatuses/0/state/waiting/message").asText()).contains("nothing-here:v1");
        assertThat(pulling.at("/status/phase").asText()).isEqualTo("Pending");

        apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: keyless}
                spec:
                  containers:
                  - name: c
                    image: busybox
                    command: [sleep, "3600"]
                    env:
                    - name: X
                      valueFrom: {configMapKeyRef: {name: settings, key: absent}}
                """);
        JsonNode waiting = awaitPod("keyless", p -> p.at("/status/containerStatuses/0/state/waiting/reason").asText()
                .equals("CreateContainerConfigError"));
        assertThat(waiting.at("/status/containerStatuses/0/state/waiting/message").asText())
                .isEqualTo("couldn't find key absent in ConfigMap default/settings");
    }

    @Test
    @Order(9)
    void anImagePushedWithPierImagePushRuns() throws Exception {
        // a one-layer image around the static busybox, saved as docker save would, pushed under a Docker Hub name
        Path rootfs = Files.createDirectories(work.resolve("myapp-rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        Files.createSymbolicLink(rootfs.resolve("sh"), Path.of("busybox"));
        Path archive = work.resolve("myapp.tar");
        DockerArchives.write(archive, rootfs.getParent(), "[\"/bin/sh\",\"-c\",\"echo pushed and running > /dev/termination-log\"]",
                "myapp:v1", Files.createDirectories(work.resolve("myapp-scratch")));
        PierCli.Result push = PierCli.run(work, "image", "push", archive.toString(), "--data-dir", pier.dataDir().toString());
        assertThat(push.exitCode()).as(push.output()).isZero();

        kubectl.ok("run", "myapp", "--image=myapp:v1", "--restart=Never");
        JsonNode done = awaitPod("myapp", p -> p.at("/status/phase").asText().equals("Succeeded") || p.at("/status/phase").asText().equals("Failed"));
        assertThat(done.at("/status/phase").asText()).as(done.toString()).isEqualTo("Succeeded");
        assertThat(done.at("/status/containerStatuses/0/state/terminated/message").asText()).isEqualTo("pushed and running\n");
    }

    @Test
    @Order(10)
    void deletedPodsStopGracefullyAndGo() {
        kubectl.ok("run", "short", "--image=nginx");
        awaitPod("short", p -> p.at("/status/phase").asText().equals("Running"));
        // nginx stops on SIGTERM: the agent deletes the pod for good well before the 30 s grace period ends
        kubectl.run(null, Duration.ofSeconds(25), "delete", "pod", "short", "--wait=true").assertOk();
        assertThat(kubectl.run("get", "pod", "short").stderr()).contains("not found");
    }

    @Test
    @Order(11)
    void aKilledAgentLeavesItsPodsRunningAndAdoptsThem() throws Exception {
        JsonNode before = items("pods", "-l", "app=web").getFirst();
        String node = before.at("/spec/nodeName").asText();
        String containerId = before.at("/status/containerStatuses/0/containerID").asText();
        ProcessHandle agent = pier.agentProcess(node);
        assertThat(agent.destroyForcibly()).as("SIGKILL to the agent of " + node).isTrue();
        assertThat(agent.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        // the machine's supervisor starts the agent again; it must not start the pod anew
        Await.until(RUNNING, "agent of " + node + " back", () -> pier.agentLog(node).split("agent of node " + node + " running", -1).length >= 3);
        Await.pause();
        JsonNode after = json("get", "pod", before.at("/metadata/name").asText(), "-o", "json");
        assertThat(after.at("/status/containerStatuses/0/containerID").asText()).isEqualTo(containerId);
        assertThat(after.at("/status/containerStatuses/0/restartCount").asInt()).isZero();
        assertThat(condition(after, "Ready")).isEqualTo("True");
    }

    @Test
    @Order(12)
    void servicesFollowReadinessSessionAffinityAndScaleAndLeaveNoRulesWhenDeleted() throws Exception {
        // busybox httpd answering with its pod's name; Ready while /tmp/ready exists
        apply("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: who}
                spec:
                  replicas: 3
                  selector: {matchLabels: {app: who}}
                  template:
                    metadata: {labels: {app: who}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: httpd
                        image: busybox
                        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && touch /tmp/ready && exec httpd -f -p 8080 -h /www']
                        readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1, failureThreshold: 1}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: who}
                spec:
                  type: NodePort
                  selector: {app: who}
                  ports: [{port: 80, targetPort: 8080}]
                """);
        kubectl.ok("rollout", "status", "deployment/who", "--timeout=90s");
        String nodeIp = address(items("nodes").getFirst(), "InternalIP");
        String url = "http://" + nodeIp + ":" + json("get", "svc", "who", "-o", "json").at("/spec/ports/0/nodePort").asInt() + "/";
        Await.until(RUNNING, "three ready endpoints of who", () -> readyEndpoints("who") == 3);
        assertThat(answeringPods(url, 30)).as("30 requests reach every pod").hasSize(3).noneMatch(a -> a.startsWith("failed"));

        // a pod whose readiness probe fails leaves the rotation
        String unready = items("pods", "-l", "app=who").getFirst().at("/metadata/name").asText();
        kubectl.ok("exec", unready, "--", "rm", "/tmp/ready");
        Await.until(RUNNING, "two ready endpoints of who", () -> readyEndpoints("who") == 2);
        Await.until(RUNNING, "no request reaching the unready pod", () -> answeringPods(url, 30).stream().allMatch(a -> a.startsWith("who-") && !a.equals(unready)));
        kubectl.ok("exec", unready, "--", "touch", "/tmp/ready");
        Await.until(RUNNING, "three ready endpoints again", () -> readyEndpoints("who") == 3);

        // ClientIP affinity: every request of this host reaches one pod (by chance: (1/3)^19)
        kubectl.ok("patch", "svc", "who", "-p", "{\"spec\":{\"sessionAffinity\":\"ClientIP\"}}");
        Await.until(RUNNING, "requests sticking to one pod", () -> onePod(answeringPods(url, 20)));

        // scaled down to one: only that pod answers
        kubectl.ok("patch", "svc", "who", "-p", "{\"spec\":{\"sessionAffinity\":\"None\"}}");
        kubectl.ok("scale", "deployment", "who", "--replicas=1");
        Await.until(RUNNING, "one ready endpoint", () -> readyEndpoints("who") == 1);
        Await.until(RUNNING, "only the remaining pod answering", () -> onePod(answeringPods(url, 20)));

        // deleting the Service removes its rules from every node
        kubectl.ok("delete", "svc", "who");
        for (String node : NODES) {
            Await.until(RUNNING, "no rules of default/who on " + node, () -> !natRules(node).contains("default/who"));
        }
        kubectl.ok("delete", "deployment", "who");
    }

    @Test
    @Order(13)
    void aRestartedPierBringsItsNodesAndPodsBack() {
        assertThat(pier.stop()).isZero();
        assertNothingLeft();
        pier.start();
        kubectl = new Kubectl(pier.clusterKubeconfig(), work.resolve("kubectl-2"));
        kubectl.ok("rollout", "status", "deployment/web", "--timeout=90s");
        Await.until(RUNNING, "web pods Ready again", () -> items("pods", "-l", "app=web").stream()
                .allMatch(p -> condition(p, "Ready").equals("True") && p.at("/status/phase").asText().equals("Running")));
        assertThat(items("nodes").stream().map(n -> condition(n, "Ready"))).containsOnly("True");
    }

    // ---- helpers ----

    private int readyEndpoints(String service) {
        int ready = 0;
        for (JsonNode slice : items("endpointslices", "-l", "kubernetes.io/service-name=" + service)) {
            for (JsonNode e : slice.path("endpoints")) if (e.at("/conditions/ready").asBoolean(false)) ready++;
        }
        return ready;
    }

    /**
     * The pod names that answered {@code requests} GETs of a "who" Service, each on a new connection; a failed
     * request counts as an answer of its own ("failed: ..."), since a node's rules may lag a change by a moment
     * (a pod scaled away is killed after its 1 s grace period, maybe before every node dropped it).
     */
    private static Set<String> answeringPods(String url, int requests) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            try {
                names.add(httpGet(url).strip());
            } catch (Exception | AssertionError e) {
                names.add("failed: " + e);
            }
        }
        return names;
    }

    private static boolean onePod(Set<String> answers) {
        return answers.size() == 1 && answers.iterator().next().startsWith("who-");
    }

    /** The nat table of a node's network namespace. */
    private String natRules(String node) {
        try {
            String netns = "pier" + Files.readString(pier.dataDir().resolve("machines").resolve("network")).strip() + "-" + node;
            Process p = new ProcessBuilder("nsenter", "--net=/run/netns/" + netns, "iptables-save", "-t", "nat")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void assertNothingLeft() {
        String data = pier.dataDir().toString();
        List<String> leftovers = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                if (line.contains(data)) leftovers.add("mount: " + line);
            }
            ProcessHandle.allProcesses().forEach(p -> {
                String cmd = p.info().commandLine().orElse("");
                if (cmd.contains(data)) leftovers.add("process " + p.pid() + ": " + cmd);
            });
            // this installation's network namespaces are pier<index>-<machine>, its index kept in the data directory
            Path index = pier.dataDir().resolve("machines").resolve("network");
            Path netns = Path.of("/run/netns");
            if (Files.exists(index) && Files.isDirectory(netns)) {
                String prefix = "pier" + Files.readString(index).strip() + "-";
                try (Stream<Path> names = Files.list(netns)) {
                    names.map(n -> n.getFileName().toString()).filter(n -> n.startsWith(prefix))
                            .forEach(n -> leftovers.add("network namespace " + n));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(leftovers).as("what the stopped nodes left on the host").isEmpty();
    }

    private static String httpGet(String url) throws Exception {
        try (var http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(url).isEqualTo(200);
            return response.body();
        }
    }

    private void apply(String manifest) {
        kubectl.runWithInput(manifest, "apply", "-f", "-").assertOk();
    }

    private JsonNode awaitPod(String name, java.util.function.Predicate<JsonNode> done) {
        JsonNode[] last = {null};
        Await.until(RUNNING, () -> "pod " + name + " to get there; last seen: " + last[0], () -> {
            var r = kubectl.run("get", "pod", name, "-o", "json");
            if (r.exitCode() != 0) return false;
            last[0] = parse(r.stdout());
            return done.test(last[0]);
        });
        return last[0];
    }

    private static JsonNode containerStatus(JsonNode pod, String container) {
        for (JsonNode s : pod.at("/status/containerStatuses")) {
            if (s.path("name").asText().equals(container)) return s;
        }
        return JSON.missingNode();
    }

    private static String condition(JsonNode object, String type) {
        for (JsonNode c : object.at("/status/conditions")) {
            if (c.path("type").asText().equals(type)) return c.path("status").asText();
        }
        return "";
    }

    private static String address(JsonNode node, String type) {
        for (JsonNode a : node.at("/status/addresses")) {
            if (a.path("type").asText().equals(type)) return a.path("address").asText();
        }
        return "";
    }

    private List<JsonNode> items(String... args) {
        List<String> all = new ArrayList<>(List.of("get"));
        all.addAll(List.of(args));
        all.addAll(List.of("-o", "json"));
        List<JsonNode> out = new ArrayList<>();
        json(all.toArray(String[]::new)).path("items").forEach(out::add);
        return out;
    }

    private JsonNode json(String... args) {
        return parse(kubectl.ok(args));
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
