package dev.pier.cloud.images;

import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.host.Poll;
import dev.pier.cloud.host.SupervisedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installation's image registry: Debian's {@code docker-registry} (CNCF distribution 2.8) on
 * {@code 127.0.0.1:<port>}, storing images under {@code <data dir>/registry/storage}, run with a
 * configuration of Pier's own (the package's /etc one listens on every address and asks for
 * passwords), and restarted if it dies.
 *
 * <p>The port is chosen free at first start and kept in {@code <data dir>/registry/port}, so that
 * the machines' mirror configuration and {@code pier image push} find it again.
 */
public final class LocalRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalRegistry.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  /**
   * The registries whose images machines pull from this registry (their containerd's mirror for
   * them names only it); an image of any other registry cannot reach a machine.
   */
  public static final List<String> MIRRORED_REGISTRIES = List.of(ImageName.DOCKER_HUB, "registry.k8s.io");

  private final Path dir;
  private final int port;
  private final SupervisedProcess process;
  private final ScheduledExecutorService scheduler;
  private final RegistryClient client;

  private LocalRegistry(Path dir, int port, SupervisedProcess process, ScheduledExecutorService scheduler) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.scheduler = scheduler;
    this.client = new RegistryClient(port);
  }

  /** Starts the registry of the installation at {@code dataDir} and returns once it serves. */
  public static LocalRegistry start(Path dataDir) {
    Path dir = dataDir.resolve("registry");
    var run = new CommandRunner();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("registry-supervisor").factory());
    try {
      Files.createDirectories(dir.resolve("storage"));
      int port = choosePort(portFile(dataDir));
      Path config = dir.resolve("config.yml");
      Files.writeString(config, config(dir.resolve("storage"), port));
      var process = new SupervisedProcess("docker-registry", List.of("docker-registry", "serve", config.toString()),
          Map.of(), dir.resolve("registry.log"), run, scheduler);
      var registry = new LocalRegistry(dir, port, process, scheduler);
      process.start();
      registry.awaitServing();
      log.info("image registry serves on {} (storage {})", registry.address(), dir.resolve("storage"));
      return registry;
    } catch (IOException e) {
      scheduler.shutdownNow();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      scheduler.shutdownNow();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** A client of this registry (what {@link RegistryClient#ofRunning} finds from another process). */
  public RegistryClient client() {
    return client;
  }

  /** Whether the registry holds {@code name} (its repository and tag). */
  public boolean has(ImageName name) {
    return client.has(name);
  }

  /**
   * Copies an image into the registry as {@code name}, with skopeo. {@code source} is in skopeo's
   * transport syntax: {@code oci:DIR}, {@code oci-archive:FILE}, {@code docker-archive:FILE}.
   */
  public void push(String source, ImageName name) {
    client.push(source, name);
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
    scheduler.shutdownNow();
  }

  private void awaitServing() {
    CompletableFuture<Process> exit = process.currentExit();
    Poll.until(START_TIMEOUT, () -> "the image registry to serve on " + address(), () -> {
      if (exit.isDone()) {
        throw new IllegalStateException("docker-registry exited at start; see " + dir.resolve("registry.log"));
      }
      return client.serving();
    });
  }

  /** Where the registry's port is kept between starts, for machines and {@code pier image push}. */
  static Path portFile(Path dataDir) {
    return dataDir.resolve("registry").resolve("port");
  }

  /** The port used before if it is still free, or a new free one (remembered for next time). */
  private static int choosePort(Path file) throws IOException {
    if (Files.exists(file)) {
      int previous = Integer.parseInt(Files.readString(file).strip());
      if (free(previous)) return previous;
      log.warn("registry port {} is taken now; choosing another", previous);
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Files.writeString(file, port + "\n");
    return port;
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private static String config(Path storage, int port) {
    return """
        # Written by Pier at every start.
        version: 0.1
        log:
          level: warn
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:%d
        """.formatted(storage, port);
  }
}
