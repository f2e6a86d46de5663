package dev.pier.agent.cri;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The CRI v1 runtime and image services of one container runtime (containerd), reached over its
 * unix socket with gRPC, as the kubelet reaches it.
 *
 * <p>Every call is blocking and bounded: ordinary calls by the client's call timeout (two minutes
 * by default, the kubelet's {@code runtimeRequestTimeout}), pulls by the pull timeout, and calls
 * that wait on a container (stop, exec) by their own timeout plus the call timeout. Failures throw
 * {@link CriException}. Instances are thread-safe; close them to release the connection.
 *
 * <pre>{@code
 * try (CriClient cri = CriClient.connect(Path.of("/run/containerd/containerd.sock"))) {
 *   String image = cri.pullImage("docker.io/library/busybox:latest", Optional.empty());
 *   PodSandboxSpec pod = PodSandboxSpec.builder(new PodMetadata("web", uid, "default", 0))
 *       .logDirectory("/var/log/pods/default_web_" + uid).build();
 *   String sandbox = cri.runPodSandbox(pod);
 *   String id = cri.createContainer(sandbox,
 *       ContainerSpec.builder("main", image).command("sh", "-c", "echo hello").logPath("main/0.log").build(), pod);
 *   cri.startContainer(id);
 * }
 * }</pre>
 */
public interface CriClient extends AutoCloseable {

  static CriClient connect(Path socket) {
    return builder(socket).connect();
  }

  static Builder builder(Path socket) {
    return new Builder(socket);
  }

  // ---- runtime ----

  RuntimeVersion version();

  /**
   * Waits until the runtime answers, however long its socket takes to appear (up to
   * {@code timeout}), and returns its version: the check that a just-started runtime is ready.
   */
  RuntimeVersion awaitReady(Duration timeout);

  RuntimeStatus status();

  // ---- sandboxes ----

  /** Creates and starts a sandbox (its pause container and network); returns its id. */
  String runPodSandbox(PodSandboxSpec spec);

  /** Stops the sandbox and its containers and releases its IP; idempotent. */
  void stopPodSandbox(String sandboxId);

  /** Removes a sandbox and its containers; idempotent. */
  void removePodSandbox(String sandboxId);

  SandboxStatus podSandboxStatus(String sandboxId);

  List<Sandbox> listPodSandboxes(SandboxFilter filter);

  // ---- containers ----

  /** Creates a container in a sandbox; {@code sandbox} must be the spec the sandbox was run with. */
  String createContainer(String sandboxId, ContainerSpec spec, PodSandboxSpec sandbox);

  void startContainer(String containerId);

  /** Sends the stop signal, then kills the container once {@code gracePeriod} has passed. */
  void stopContainer(String containerId, Duration gracePeriod);

  void removeContainer(String containerId);

  List<Container> listContainers(ContainerFilter filter);

  ContainerStatus containerStatus(String containerId);

  /** Changes a running container's cgroup settings in place. */
  void updateContainerResources(String containerId, LinuxResources resources);

  /** Runs a command in a running container and waits for it, at most {@code timeout}. */
  ExecResult execSync(String containerId, List<String> command, Duration timeout);

  /** Prepares a streaming exec; returns the URL of the runtime's streaming server that serves it once. */
  String exec(String containerId, List<String> command, Streams streams);

  /** Prepares an attach to the container's main process; returns the streaming URL. */
  String attach(String containerId, Streams streams);

  /** Prepares a port-forward into the sandbox's network namespace; returns the streaming URL. */
  String portForward(String sandboxId, List<Integer> ports);

  // ---- images ----

  /**
   * Pulls an image (through the runtime's registry configuration, e.g. its mirrors) and returns
   * the reference the runtime knows it by (the image id, "sha256:...").
   */
  String pullImage(String image, Optional<RegistryAuth> auth);

  /** The image, or empty when the runtime does not hold it. */
  Optional<ImageInfo> imageStatus(String image);

  List<ImageInfo> listImages();

  void removeImage(String image);

  /** The file system holding the runtime's images, and the bytes they use on it. */
  ImageFilesystem imageFilesystem();

  @Override
  void close();

  /** Options of a {@link CriClient}; the socket is required. */
  final class Builder {
    private final Path socket;
    private Duration callTimeout = Duration.ofMinutes(2);
    private Duration pullTimeout = Duration.ofMinutes(10);

    private Builder(Path socket) {
      this.socket = Objects.requireNonNull(socket, "socket");
    }

    public Builder callTimeout(Duration timeout) {
      this.callTimeout = requirePositive(timeout, "call timeout");
      return this;
    }

    public Builder pullTimeout(Duration timeout) {
      this.pullTimeout = requirePositive(timeout, "pull timeout");
      return this;
    }

    /** Opens the channel; the connection itself is made on the first call. */
    public CriClient connect() {
      return GrpcCriClient.open(socket, callTimeout, pullTimeout);
    }

    private static Duration requirePositive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " was " + d);
      return d;
    }
  }
}
