package dev.pier.cloud.images;

import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.host.Poll;
import dev.pier.cloud.host.SupervisedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
  private static final String MANIFEST_TYPES = String.join(",",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json");

  private final Path dir;
  private final int port;
  private final CommandRunner run;
  private final SupervisedProcess process;
  private final ScheduledExecutorService scheduler;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LocalRegistry(Path dir, int port, CommandRunner run, SupervisedProcess process, ScheduledExecutorService scheduler) {
    this.dir = dir;
    this.port = port;
    this.run = run;
    this.process = process;
    this.scheduler = scheduler;
  }

  /** Starts the registry of the installation at {@code dataDir} and returns once it serves. */
  public static LocalRegistry start(Path dataDir) {
    Path dir = dataDir.resolve("registry");
    var run = new CommandRunner();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("registry-supervisor").factory());
    try {
      Files.createDirectories(dir.resolve("storage"));
      int port = choosePort(dir.resolve("port"));
      Path config = dir.resolve("config.yml");
      Files.writeString(config, config(dir.resolve("storage"), port));
      var process = new SupervisedProcess("docker-registry", List.of("docker-registry", "serve", config.toString()),
          Map.of(), dir.resolve("registry.log"), run, scheduler);
      var registry = new LocalRegistry(dir, port, run, process, scheduler);
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

  /** Whether the registry holds {@code name} (its repository and tag). */
  public boolean has(ImageName name) {
    HttpRequest head = HttpRequest.newBuilder(URI.create("http://" + address() + "/v2/" + name.repository() + "/manifests/" + name.tag()))
        .method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("Accept", MANIFEST_TYPES)
        .timeout(Duration.ofSeconds(10))
        .build();
    try {
      return http.send(head, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      throw new UncheckedIOException("could not ask the registry at " + address() + " for " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Copies an image into the registry as {@code name}, with skopeo. {@code source} is in skopeo's
   * transport syntax: {@code oci:DIR}, {@code oci-archive:FILE}, {@code docker-archive:FILE}.
   */
  public void push(String source, ImageName name) {
    run.run("skopeo", "copy", "--quiet", "--insecure-policy", "--dest-tls-verify=false",
        source, "docker://" + address() + "/" + name.repository() + ":" + name.tag());
    log.info("pushed {} as {}", source, name);
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(10));
    scheduler.shutdownNow();
  }

  private void awaitServing() {
    CompletableFuture<Process> exit = process.currentExit();
    HttpRequest ping = HttpRequest.newBuilder(URI.create("http://" + address() + "/v2/")).timeout(Duration.ofSeconds(2)).build();
    Poll.until(START_TIMEOUT, () -> "the image registry to serve on " + address(), () -> {
      if (exit.isDone()) {
        throw new IllegalStateException("docker-registry exited at start; see " + dir.resolve("registry.log"));
      }
      try {
        return http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException notYet) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
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
