package dev.pier.cloud.images;

import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Talks to an installation's registry at {@code 127.0.0.1:<port>}, whoever runs it: the
 * {@link LocalRegistry} of this process, or that of a {@code pier up} running elsewhere on the same
 * data directory ({@link #ofRunning}).
 */
public final class RegistryClient {
  private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);
  private static final String MANIFEST_TYPES = String.join(",",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json");
  // an image of a few GB copied to loopback: well beyond the default bound of a host command
  private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(30);

  private final String address;
  private final CommandRunner run = new CommandRunner(PUSH_TIMEOUT);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  RegistryClient(int port) {
    this.address = "127.0.0.1:" + port;
  }

  /**
   * The registry of the installation at {@code dataDir} if it serves now: its port is the one
   * {@link LocalRegistry} remembered in {@code <data dir>/registry/port}.
   */
  public static Optional<RegistryClient> ofRunning(Path dataDir) {
    Path portFile = LocalRegistry.portFile(dataDir);
    if (!Files.isRegularFile(portFile)) return Optional.empty();
    try {
      RegistryClient client = new RegistryClient(Integer.parseInt(Files.readString(portFile).strip()));
      return client.serving() ? Optional.of(client) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      log.debug("no registry port in {}: {}", portFile, e.toString());
      return Optional.empty();
    }
  }

  /** {@code 127.0.0.1:<port>}. */
  public String address() {
    return address;
  }

  /** Whether the registry answers its API's base endpoint now. */
  public boolean serving() {
    HttpRequest ping = HttpRequest.newBuilder(URI.create("http://" + address + "/v2/")).timeout(Duration.ofSeconds(2)).build();
    try {
      return http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException notServing) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether the registry holds {@code name} (its repository and tag). */
  public boolean has(ImageName name) {
    HttpRequest head = HttpRequest.newBuilder(URI.create("http://" + address + "/v2/" + name.repository() + "/manifests/" + name.tag()))
        .method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("Accept", MANIFEST_TYPES)
        .timeout(Duration.ofSeconds(10))
        .build();
    try {
      return http.send(head, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      throw new UncheckedIOException("could not ask the registry at " + address + " for " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Copies an image into the registry as {@code name}, with skopeo, under the name's repository
   * alone (where machines' containerd asks this registry as a mirror). {@code source} is in
   * skopeo's transport syntax: {@code oci:DIR}, {@code oci-archive:FILE}, {@code docker-archive:FILE}.
   */
  public void push(String source, ImageName name) {
    run.run("skopeo", "copy", "--quiet", "--insecure-policy", "--dest-tls-verify=false",
        source, destination(name));
    log.info("pushed {} as {}", source, name);
  }

  /** Where {@link #push} puts {@code name}: {@code docker://127.0.0.1:<port>/<repository>:<tag>}. */
  public String destination(ImageName name) {
    return "docker://" + address + "/" + name.repository() + ":" + name.tag();
  }
}
