package dev.pier.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.agent.cri.ContainerFilter;
import dev.pier.agent.cri.ContainerState;
import dev.pier.agent.cri.ContainerStatus;
import dev.pier.agent.cri.CriClient;
import dev.pier.agent.cri.CriException;
import dev.pier.agent.cri.ExecResult;
import dev.pier.agent.cri.LinuxResources;
import dev.pier.agent.cri.SandboxFilter;
import dev.pier.agent.cri.SandboxState;
import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.images.LocalRegistry;
import dev.pier.cloud.images.SeedImages;
import dev.pier.cloud.machine.HostNetwork;
import dev.pier.cloud.machine.LocalMachineConfig;
import dev.pier.cloud.machine.LocalMachineProvider;
import dev.pier.cloud.machine.Machine;
import dev.pier.cloud.machine.MachineProcess;
import dev.pier.cloud.machine.MachineSpec;
import dev.pier.cloud.machine.MachineStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The node stack for real, on two machines sharing one set-up: Pier's registry seeded with its
 * images, two local machines with their own containerd, runc and CNI, driven through the agent's
 * CRI client. Tear-down deletes the machines and then checks that nothing is left on the host.
 *
 * <p>Needs root and the packages .ci/run installs. Traffic goes only to loopback and to addresses
 * inside the namespaces the test made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NodeStackTest {
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

  private Path dataDir;
  private LocalRegistry registry;
  private LocalMachineProvider provider;
  private HostNetwork network;
  private Machine a;
  private Machine b;
  private CriClient criA;
  private CriClient criB;
  private Leftovers leftovers;

  @BeforeAll
  void startTwoMachines() throws IOException {
    leftovers = new Leftovers();
    Path target = Path.of("target").toAbsolutePath();
    dataDir = Files.createTempDirectory(Files.createDirectories(target), "node-stack-");
    registry = LocalRegistry.start(dataDir);
    // the image cache outlives the run: seed images are built once per checkout, pushed every run
    SeedImages.ensure(registry, target.resolve("seed-image-cache"));
    provider = LocalMachineProvider.start(LocalMachineConfig.of(dataDir, registry.port()));
    network = provider.network();
    a = provider.create(new MachineSpec("node-a", List.of(
        new MachineProcess("web", List.of("busybox", "httpd", "-f", "-p", "7070", "-h", "/usr/share/nginx/html"), Map.of()))));
    b = provider.create(MachineSpec.named("node-b"));
    criA = CriClient.connect(a.runtimeSocket());
    criB = CriClient.connect(b.runtimeSocket());
  }

  @Test
  @Order(1)
  void everyMachineHasItsOwnAddressPodNetworkAndReadyRuntime() {
    assertThat(a.address()).isNotEqualTo(b.address());
    assertThat(network.machineSubnet().contains(a.address())).isTrue();
    assertThat(a.podCidr().overlaps(b.podCidr())).isFalse();
    assertThat(network.podNetwork().overlaps(a.podCidr())).isTrue();
    for (CriClient cri : List.of(criA, criB)) {
      assertThat(cri.version().runtimeName()).isEqualTo("containerd");
      assertThat(cri.version().runtimeApiVersion()).isEqualTo("v1");
      assertThat(cri.status().runtimeReady()).isTrue();
      assertThat(cri.status().networkReady()).isTrue();
      // what image garbage collection measures: the images' file system and their bytes on it
      assertThat(cri.imageFilesystem().mountpoint()).isNotEmpty();
    }
    assertThat(provider.list()).extracting(Machine::name).containsExactly("node-a", "node-b");
    assertThat(provider.status("node-a")).map(MachineStatus::state).contains(MachineStatus.State.RUNNING);
    assertThat(LocalMachineConfig.DEFAULT_SANDBOX_IMAGE).isEqualTo(SeedImages.PAUSE.toString());
  }

  @Test
  @Order(2)
  void containersRunLogAndExitOnBothMachines() {
    for (var machine : List.of(new Pods(a, criA), new Pods(b, criB))) {
      var pod = machine.run("hello");
      String id = machine.start(pod, "main", "busybox", c -> c.command("sh", "-c", "echo hello; echo oops >&2; exit 3"));
      ContainerStatus status = machine.awaitExit(id, EXIT_TIMEOUT);

      assertThat(status.exitCode()).isEqualTo(3);
      assertThat(status.reason()).isEqualTo("Error");
      assertThat(status.finishedAt()).isPresent();
      assertThat(Pods.log(status)).containsPattern("(?m)^\\S+ stdout F hello$").containsPattern("(?m)^\\S+ stderr F oops$");
      machine.remove(pod);
    }
    assertThat(criA.imageStatus("docker.io/library/busybox:latest")).isPresent();
    assertThat(criA.listPodSandboxes(SandboxFilter.labels(Map.of("test", "node-stack")))).isEmpty();
  }

  @Test
  @Order(3)
  void podsReachPodsOnOtherMachinesWithTheirOwnAddresses() throws Exception {
    var podsA = new Pods(a, criA);
    var podsB = new Pods(b, criB);
    var server = podsB.run("web");
    assertThat(b.podCidr().contains(server.ip())).as("pod IP %s in %s", server.ip(), b.podCidr()).isTrue();
    String nginx = podsB.start(server, "nginx", "nginx", c -> c);
    // from the host, through its route to node-b's pod CIDR, once nginx listens
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + server.ip() + "/")).timeout(Duration.ofSeconds(2)).build();
    Await.until(Duration.ofSeconds(30), "nginx on " + server.ip(), () -> {
      try {
        return http.send(get, HttpResponse.BodyHandlers.ofString()).body().contains("Welcome to nginx");
      } catch (IOException notYet) {
        return false;
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });

    var client = podsA.run("client");
    assertThat(a.podCidr().contains(client.ip())).isTrue();
    String fetch = podsA.start(client, "fetch", "busybox", c -> c.command("wget", "-q", "-O-", "http://" + server.ip() + "/"));
    ContainerStatus fetched = podsA.awaitExit(fetch, EXIT_TIMEOUT);
    assertThat(fetched.exitCode()).as(Pods.log(fetched)).isZero();
    assertThat(Pods.log(fetched)).contains("Welcome to nginx");

    String talk = podsA.start(client, "talk", "busybox", c -> c.command("sh", "-c",
        "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc " + server.ip() + " 80"));
    assertThat(Pods.log(podsA.awaitExit(talk, EXIT_TIMEOUT))).contains("HTTP/1.1 200 OK");

    // no masquerading between machines: nginx saw node-a's pod address
    Await.until(Duration.ofSeconds(10), "nginx to log the client's own address " + client.ip(),
        () -> Pods.log(criB.containerStatus(nginx)).contains(client.ip() + " - - "));
    podsA.remove(client);
    podsB.remove(server);
  }

  @Test
  @Order(4)
  void containerOverItsMemoryLimitIsOomKilled() {
    var pods = new Pods(a, criA);
    var pod = pods.run("hog");
    String id = pods.start(pod, "hog", "busybox", c -> c
        .command("dd", "if=/dev/zero", "of=/dev/null", "bs=96M", "count=1")
        .resources(LinuxResources.NONE.withMemoryLimit(32L * 1024 * 1024)));
    ContainerStatus status = pods.awaitExit(id, EXIT_TIMEOUT);
    assertThat(status.exitCode()).isEqualTo(137);
    assertThat(status.reason()).isEqualTo("OOMKilled");
    pods.remove(pod);
  }

  @Test
  @Order(5)
  void execListStopAndRemoveThroughCri() {
    var pods = new Pods(b, criB);
    var pod = pods.run("sleeper");
    String id = pods.start(pod, "sleep", "busybox", c -> c.command("sleep", "3600").label("role", "sleeper"));
    Await.until(Duration.ofSeconds(30), "the sleeper to run", () -> criB.containerStatus(id).state() == ContainerState.RUNNING);

    ExecResult exec = criB.execSync(id, List.of("sh", "-c", "echo hi; echo err >&2; exit 4"), Duration.ofSeconds(20));
    assertThat(exec.exitCode()).isEqualTo(4);
    assertThat(exec.stdoutText()).isEqualTo("hi\n");
    assertThat(exec.stderrText()).isEqualTo("err\n");
    assertThat(criB.exec(id, List.of("sh"), new dev.pier.agent.cri.Streams(true, true, false, true)))
        .startsWith("http://" + b.address() + ":");

    assertThat(criB.listContainers(ContainerFilter.labels(Map.of("role", "sleeper"))))
        .singleElement().satisfies(c -> {
          assertThat(c.id()).isEqualTo(id);
          assertThat(c.sandboxId()).isEqualTo(pod.sandboxId());
          assertThat(c.state()).isEqualTo(ContainerState.RUNNING);
        });
    assertThat(criB.listPodSandboxes(SandboxFilter.labels(Map.of("test", "node-stack")).withState(SandboxState.READY)))
        .extracting(s -> s.metadata().name()).containsExactly("sleeper");

    criB.stopContainer(id, Duration.ofSeconds(1));
    ContainerStatus stopped = criB.containerStatus(id);
    assertThat(stopped.state()).isEqualTo(ContainerState.EXITED);
    assertThat(stopped.exitCode()).isEqualTo(137); // sleep as PID 1 ignores SIGTERM: killed after the grace period
    criB.removeContainer(id);
    assertThatThrownBy(() -> criB.containerStatus(id))
        .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.code()).isEqualTo(CriException.Code.NOT_FOUND));
    pods.remove(pod);
  }

  @Test
  @Order(6)
  void machineProgramsRunInTheMachineNetworkAndAreRestarted() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + a.address() + ":7070/index.html")).timeout(Duration.ofSeconds(2)).build();
    Await.until(Duration.ofSeconds(30), "node-a's web process on " + a.address(), () -> answers(http, get));

    long web = onlyProcess("httpd -f -p 7070");
    ProcessHandle.of(web).orElseThrow().destroyForcibly();
    Await.until(Duration.ofSeconds(30), "node-a's web process to be restarted",
        () -> provider.status("node-a").orElseThrow().restarts().get("web") == 1 && answers(http, get));
  }

  @Test
  @Order(7)
  void containerdIsRestartedAndPodsSurviveIt() {
    var pods = new Pods(b, criB);
    var pod = pods.run("survivor");
    String id = pods.start(pod, "sleep", "busybox", c -> c.command("sleep", "3600"));
    Await.until(Duration.ofSeconds(30), "the survivor to run", () -> criB.containerStatus(id).state() == ContainerState.RUNNING);

    long containerd = onlyProcess("containerd --config " + dataDir.resolve("machines/node-b/containerd/config.toml"));
    ProcessHandle.of(containerd).orElseThrow().destroyForcibly();
    Await.until(Duration.ofSeconds(30), "containerd of node-b to be restarted and answer", () -> {
      if (provider.status("node-b").orElseThrow().restarts().get("containerd") != 1) return false;
      try {
        return criB.containerStatus(id).state() == ContainerState.RUNNING;
      } catch (CriException notYet) {
        return false;
      }
    });
    assertThat(criB.podSandboxStatus(pod.sandboxId()).state()).isEqualTo(SandboxState.READY);
    // left running, like the pod below on node-a: deleting the machines must clear them too
  }

  @Test
  @Order(8)
  void podStillRunningWhenItsMachineIsDeleted() {
    var pods = new Pods(a, criA);
    var pod = pods.run("left-behind");
    String id = pods.start(pod, "nginx", "nginx", c -> c);
    Await.until(Duration.ofSeconds(30), "nginx to run", () -> criA.containerStatus(id).state() == ContainerState.RUNNING);
  }

  @AfterAll
  void deleteMachinesAndCheckNothingIsLeft() throws IOException {
    List<Throwable> problems = new ArrayList<>();
    for (AutoCloseable c : new AutoCloseable[] {criA, criB}) closeQuietly(c, problems);
    if (provider != null) {
      run(problems, () -> provider.delete("node-a"));
      run(problems, () -> provider.delete("node-b"));
      run(problems, provider::close);
    }
    if (registry != null) run(problems, registry::close);
    problems.forEach(Throwable::printStackTrace);
    assertThat(problems).as("problems while tearing down").isEmpty();
    if (dataDir == null) return;

    leftovers.assertNoneOf(dataDir, network, List.of("node-a", "node-b"));
    assertThat(HostState.processesMentioning(dataDir.toString())).as("registry").isEmpty();
    assertThat(Files.list(dataDir.resolve("machines")).map(p -> p.getFileName().toString()))
        .as("machine directories").doesNotContain("node-a", "node-b");
    new CommandRunner().run("rm", "-rf", "--one-file-system", dataDir.toString());
  }

  private static boolean answers(HttpClient http, HttpRequest get) {
    try {
      return http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private long onlyProcess(String commandLine) {
    List<Long> pids = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(commandLine)).orElse(false))
        .map(ProcessHandle::pid)
        .toList();
    assertThat(pids).as("processes running '%s'", commandLine).hasSize(1);
    return pids.getFirst();
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
