package dev.pier.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.agent.cri.ContainerSpec;
import dev.pier.agent.cri.ContainerState;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.PodMetadata;
import dev.pier.agent.cri.PodSandboxSpec;
import dev.pier.agent.server.AgentServer;
import dev.pier.agent.server.ServerTls;
import dev.pier.apiserver.ApiServer;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cell;
import dev.pier.apiserver.cell.Cells;
import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.images.LocalRegistry;
import dev.pier.cloud.images.SeedImages;
import dev.pier.cloud.machine.HostNetwork;
import dev.pier.cloud.machine.LocalMachineConfig;
import dev.pier.cloud.machine.LocalMachineProvider;
import dev.pier.cloud.machine.Machine;
import dev.pier.cloud.machine.MachineSpec;
import dev.pier.pki.CertificateAuthority;
import dev.pier.pki.IssuedCertificate;
import dev.pier.pki.Kubeconfig;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.sqlite.SqliteStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Real kubectl's logs, exec, cp and port-forward through the API server (in process, on SQLite,
 * tenant cell "demo") to the agent server, relayed to a real machine's containerd. A pod object
 * names the machine's node; its sandbox and containers are run through CRI with the labels the
 * kubelet sets (the pod runner's contract), since no pod runner exists yet. The agent server runs
 * in this JVM on loopback with a serving certificate of the cell's CA; the Node object points there.
 *
 * <p>Needs root, kubectl 1.32 and the packages .ci/run installs. Traffic goes only to loopback and
 * to the namespace the test made. Tear-down deletes the machine and checks nothing is left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StreamingTest {
  private static final String NODE = "node-s";
  private static final String POD = "streams";

  private Path dataDir;
  private LocalRegistry registry;
  private LocalMachineProvider provider;
  private HostNetwork network;
  private Machine machine;
  private CriClient cri;
  private KeyValueStore store;
  private ApiServer api;
  private AgentServer agent;
  private Leftovers leftovers;
  private Path kubeconfig;

  @BeforeAll
  void startMachineApiServerAndAgent() throws IOException {
    leftovers = new Leftovers();
    Path target = Path.of("target").toAbsolutePath();
    dataDir = Files.createTempDirectory(Files.createDirectories(target), "streaming-");
    registry = LocalRegistry.start(dataDir);
    SeedImages.ensure(registry, target.resolve("seed-image-cache"));
    provider = LocalMachineProvider.start(LocalMachineConfig.of(dataDir, registry.port()));
    network = provider.network();
    machine = provider.create(MachineSpec.named(NODE));
    cri = CriClient.connect(machine.runtimeSocket());

    store = SqliteStore.open(dataDir.resolve("state.db"));
    Cells cells = new Cells(store, Clock.systemUTC(), TokenFile.empty());
    Cell cell = cells.createTenant("demo");
    CertificateAuthority management = cells.management().certificateAuthority();
    IssuedCertificate serving = management.issueServing("pier-apiserver", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
    api = ApiServer.start(cells, "127.0.0.1", 0, serving, List.of(management.certificate()));
    kubeconfig = dataDir.resolve("kubeconfig");
    Files.writeString(kubeconfig, Kubeconfig.builder()
        .server("https://127.0.0.1:" + api.port() + "/clusters/demo")
        .certificateAuthority(management.certificate())
        .clusterName("demo").userName("demo-admin").contextName("demo")
        .clientCertificate(cell.certificateAuthority().issueClient("admin", List.of("system:masters"), Duration.ofDays(1)))
        .build().toYaml());

    // the node's serving certificate, as the join code will issue it: the cell's CA, the node address as SAN
    IssuedCertificate kubelet = cell.certificateAuthority().issueServing(NODE, List.of(NODE), List.of("127.0.0.1"), Duration.ofDays(1));
    agent = AgentServer.start(null, cri,
        new ServerTls(kubelet.certificatePem(), kubelet.privateKeyPem(), management.certificatePem()),
        new InetSocketAddress("127.0.0.1", 0));

    kubectlWithInput("""
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s"}}
        """.formatted(NODE), "create", "-f", "-").assertOk();
    kubectl("patch", "node", NODE, "--subresource=status", "--type=merge", "-p", """
        {"status":{"addresses":[{"type":"InternalIP","address":"127.0.0.1"},{"type":"Hostname","address":"%s"}],
         "daemonEndpoints":{"kubeletEndpoint":{"Port":%d}}}}""".formatted(NODE, agent.port())).assertOk();
    kubectlWithInput("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"default"},
         "spec":{"nodeName":"%s","containers":[{"name":"main","image":"busybox"},{"name":"web","image":"busybox"}]}}
        """.formatted(POD, NODE), "create", "-f", "-").assertOk();
    runPodThroughCri();
    kubectl("patch", "pod", POD, "--subresource=status", "--type=merge", "-p", "{\"status\":{\"phase\":\"Running\"}}").assertOk();
  }

  /** What the pod runner will do: the sandbox and containers with the kubelet's labels; "main" once failed already. */
  private void runPodThroughCri() {
    String uid = kubectl("get", "pod", POD, "-o", "jsonpath={.metadata.uid}").assertOk().stdout();
    Map<String, String> podLabels = Map.of("io.kubernetes.pod.name", POD, "io.kubernetes.pod.namespace", "default",
        "io.kubernetes.pod.uid", uid);
    PodSandboxSpec sandbox = PodSandboxSpec.builder(new PodMetadata(POD, uid, "default", 0))
        .logDirectory(machine.nodeDir().resolve("pods").resolve("default_" + POD + "_" + uid).toString())
        .cgroupParent(machine.podCgroupParent() + "/pod" + uid)
        .labels(podLabels)
        .build();
    String sandboxId = cri.runPodSandbox(sandbox);
    String image = cri.pullImage("busybox", java.util.Optional.empty());
    String first = start(sandboxId, sandbox, image, "main", 0, podLabels, "echo first-attempt; exit 1");
    Await.until(Duration.ofSeconds(30), "the first attempt to exit", () -> cri.containerStatus(first).state() == ContainerState.EXITED);
    start(sandboxId, sandbox, image, "main", 1, podLabels,
        "echo one; echo two; echo three >&2; i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done");
    start(sandboxId, sandbox, image, "web", 0, podLabels,
        "mkdir -p /www && echo hello-from-the-pod > /www/index.html && exec httpd -f -p 8080 -h /www");
  }

  private String start(String sandboxId, PodSandboxSpec sandbox, String image, String name, int attempt,
                       Map<String, String> podLabels, String script) {
    ContainerSpec spec = ContainerSpec.builder(name, image)
        .attempt(attempt)
        .command("sh", "-c", script)
        .labels(podLabels)
        .label("io.kubernetes.container.name", name)
        .annotations(Map.of("io.kubernetes.container.restartCount", Integer.toString(attempt)))
        .logPath(name + "/" + attempt + ".log")
        .build();
    String id = cri.createContainer(sandboxId, spec, sandbox);
    cri.startContainer(id);
    return id;
  }

  @Test
  void logsTailPreviousTimestampsAndAllContainers() {
    Await.until(Duration.ofSeconds(30), "main to print a tick", () -> kubectl("logs", POD, "-c", "main").stdout().contains("tick 1"));
    // stdout and stderr reach the log file through pipes of their own: their lines keep their order only within each
    assertThat(kubectl("logs", POD, "-c", "main").assertOk().stdout()).containsPattern("(?s)^.*one\n.*two\n.*tick 1\n")
        .contains("three\n");
    assertThat(kubectl("logs", POD, "-c", "main", "--tail=1").assertOk().stdout()).matches("tick \\d+\n");
    assertThat(kubectl("logs", POD, "-c", "main", "--previous").assertOk().stdout()).isEqualTo("first-attempt\n");
    assertThat(kubectl("logs", POD, "-c", "main", "--timestamps", "--limit-bytes=40").assertOk().stdout())
        .matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z (one|three)\n.*").hasSize(40);
    assertThat(kubectl("logs", POD, "-c", "main", "--since=1h").assertOk().stdout()).contains("one\n");
    assertThat(kubectl("logs", POD, "--all-containers", "--prefix").assertOk().stdout())
        .contains("[pod/" + POD + "/main] one").contains("[pod/" + POD + "/main] tick 1");

    // errors as the API server words them
    assertThat(kubectl("get", "--raw", "/clusters/demo/api/v1/namespaces/default/pods/" + POD + "/log").assertFails().stderr())
        .contains("a container name must be specified for pod streams, choose one of: [main web]");
    assertThat(kubectl("logs", "nope").assertFails().stderr()).contains("pods \"nope\" not found");
    assertThat(kubectl("logs", POD, "-c", "web", "--previous").assertFails().stderr())
        .contains("previous terminated container \"web\" in pod \"streams\" not found");
  }

  @Test
  void logsFollowNewLines() throws Exception {
    Process follow = kubectlProcess("logs", "-f", POD, "-c", "main", "--tail=1");
    try (BufferedReader out = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
      Matcher first = Pattern.compile("tick (\\d+)").matcher(out.readLine());
      assertThat(first.matches()).isTrue();
      long n = Long.parseLong(first.group(1));
      assertThat(out.readLine()).isEqualTo("tick " + (n + 1)); // written after kubectl started following
      assertThat(out.readLine()).isEqualTo("tick " + (n + 2));
    } finally {
      follow.destroy();
      follow.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void execExitCodesStdinAndTerminal() {
    Result failed = kubectl("exec", POD, "-c", "main", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(3);
    assertThat(failed.stdout()).isEqualTo("out\n");
    assertThat(failed.stderr()).contains("err\n").contains("command terminated with exit code 3");

    // stdin ends: cat sees EOF and exits, so kubectl does
    Result cat = kubectlWithInput("hello through stdin\n", "exec", "-i", POD, "-c", "main", "--", "sh", "-c", "cat; echo done");
    assertThat(cat.assertOk().stdout()).isEqualTo("hello through stdin\ndone\n");

    // a terminal: kubectl wants one of its own for -t, which script(1) gives it
    Result tty = run(null, List.of("script", "-qec", String.join(" ", kubectlCommand(
        "exec", "-ti", POD, "-c", "main", "--", "sh", "-c", "'tty; stty size; exit 5'")), "/dev/null"));
    assertThat(tty.exitCode()).as(tty.toString()).isEqualTo(5);
    assertThat(tty.stdout()).contains("/dev/pts/");
  }

  @Test
  void copyIntoAndOutOfThePod() throws IOException {
    Path local = dataDir.resolve("to-pod.txt");
    String content = "copied " + UUID.randomUUID() + "\n".repeat(3) + "x".repeat(100_000) + "\n";
    Files.writeString(local, content);
    kubectl("cp", local.toString(), "default/" + POD + ":/tmp/in.txt", "-c", "main").assertOk();
    String inPod = kubectl("exec", POD, "-c", "main", "--", "cat", "/tmp/in.txt").assertOk().stdout();
    assertThat(inPod.equals(content)).as("the copy in the pod (%d bytes) equals the file (%d bytes)", inPod.length(), content.length())
        .isTrue();

    Path back = dataDir.resolve("from-pod.txt");
    kubectl("cp", "default/" + POD + ":/tmp/in.txt", back.toString(), "-c", "main").assertOk();
    assertThat(Files.readString(back).equals(content)).as("the copy back equals the file").isTrue();
  }

  @Test
  void portForwardReachesThePod() throws Exception {
    Process forward = kubectlProcess("port-forward", "pod/" + POD, ":8080");
    try (BufferedReader out = new BufferedReader(new InputStreamReader(forward.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      Matcher m = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> 8080").matcher(String.valueOf(line));
      assertThat(m.find()).as("kubectl printed %s", line).isTrue();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/index.html"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("hello-from-the-pod\n");
      }
    } finally {
      forward.destroy();
      forward.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theAgentServesOnlyTheApiServersKubeletClient() throws Exception {
    // no client certificate at all: TLS lets it in (the certificate is requested, not required), the agent refuses it
    HttpClient anonymous = HttpClient.newBuilder().sslContext(trustAll()).build();
    HttpResponse<String> response = anonymous.send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + agent.port() + "/containerLogs/default/" + POD + "/main")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
  }

  @AfterAll
  void stopAndCheckNothingIsLeft() throws IOException {
    List<Throwable> problems = new ArrayList<>();
    for (AutoCloseable c : new AutoCloseable[] {agent, api, store, cri}) closeQuietly(c, problems);
    if (provider != null) {
      run(problems, () -> provider.delete(NODE));
      run(problems, provider::close);
    }
    if (registry != null) run(problems, registry::close);
    problems.forEach(Throwable::printStackTrace);
    assertThat(problems).as("problems while tearing down").isEmpty();
    if (dataDir == null) return;
    leftovers.assertNoneOf(dataDir, network, List.of(NODE));
    assertThat(HostState.processesMentioning(dataDir.toString())).as("registry, kubectl").isEmpty();
    new CommandRunner().run("rm", "-rf", "--one-file-system", dataDir.toString());
  }

  // ---- kubectl ----

  record Result(List<String> args, int exitCode, String stdout, String stderr) {
    Result assertOk() {
      assertThat(exitCode).as("%s", this).isZero();
      return this;
    }

    Result assertFails() {
      assertThat(exitCode).as("%s", this).isNotZero();
      return this;
    }
  }

  private List<String> kubectlCommand(String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", dataDir.resolve("kube-cache").toString()));
    command.addAll(List.of(args));
    return command;
  }

  private Result kubectl(String... args) {
    return run(null, kubectlCommand(args));
  }

  private Result kubectlWithInput(String stdin, String... args) {
    return run(stdin, kubectlCommand(args));
  }

  private Process kubectlProcess(String... args) throws IOException {
    return new ProcessBuilder(kubectlCommand(args)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private Result run(String stdin, List<String> command) {
    try {
      Path out = Files.createTempFile(dataDir, "out", ".txt");
      Path err = Files.createTempFile(dataDir, "err", ".txt");
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process p = pb.start();
      if (stdin != null) {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command + "\n" + Files.readString(out) + Files.readString(err));
      }
      return new Result(command, p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static javax.net.ssl.SSLContext trustAll() throws Exception {
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      @Override
      public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

      @Override
      public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    }}, null);
    return ctx;
  }

  private static void run(List<Throwable> problems, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException | AssertionError e) {
      problems.add(e);
    }
  }

  private static void closeQuietly(AutoCloseable c, List<Throwable> problems) {
    if (c == null) return;
    try {
      c.close();
    } catch (Exception e) {
      problems.add(e);
    }
  }
}
