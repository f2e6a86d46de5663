package dev.pier.agent.cri;

import dev.pier.agent.cri.v1.AttachRequest;
import dev.pier.agent.cri.v1.AuthConfig;
import dev.pier.agent.cri.v1.ContainerStatusRequest;
import dev.pier.agent.cri.v1.CreateContainerRequest;
import dev.pier.agent.cri.v1.ExecRequest;
import dev.pier.agent.cri.v1.ExecSyncRequest;
import dev.pier.agent.cri.v1.ImageServiceGrpc;
import dev.pier.agent.cri.v1.ImageSpec;
import dev.pier.agent.cri.v1.ImageStatusRequest;
import dev.pier.agent.cri.v1.ListContainersRequest;
import dev.pier.agent.cri.v1.ListImagesRequest;
import dev.pier.agent.cri.v1.ListPodSandboxRequest;
import dev.pier.agent.cri.v1.PodSandboxStatusRequest;
import dev.pier.agent.cri.v1.PortForwardRequest;
import dev.pier.agent.cri.v1.PullImageRequest;
import dev.pier.agent.cri.v1.RemoveContainerRequest;
import dev.pier.agent.cri.v1.RemoveImageRequest;
import dev.pier.agent.cri.v1.RemovePodSandboxRequest;
import dev.pier.agent.cri.v1.RunPodSandboxRequest;
import dev.pier.agent.cri.v1.RuntimeServiceGrpc;
import dev.pier.agent.cri.v1.StartContainerRequest;
import dev.pier.agent.cri.v1.StatusRequest;
import dev.pier.agent.cri.v1.StopContainerRequest;
import dev.pier.agent.cri.v1.StopPodSandboxRequest;
import dev.pier.agent.cri.v1.UpdateContainerResourcesRequest;
import dev.pier.agent.cri.v1.VersionRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CriClient} on grpc-java: one HTTP/2 connection over the runtime's unix socket, carried
 * by Netty's epoll domain-socket channel on a single event-loop thread of its own.
 */
final class GrpcCriClient implements CriClient {
  private static final Logger log = LoggerFactory.getLogger(GrpcCriClient.class);
  /** The kubelet's limit: large lists (many containers) exceed gRPC's 4 MiB default. */
  private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final Path socket;
  private final EventLoopGroup eventLoop;
  private final ManagedChannel channel;
  private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
  private final ImageServiceGrpc.ImageServiceBlockingStub images;
  private final Duration callTimeout;
  private final Duration pullTimeout;

  private GrpcCriClient(Path socket, EventLoopGroup eventLoop, ManagedChannel channel,
      Duration callTimeout, Duration pullTimeout) {
    this.socket = socket;
    this.eventLoop = eventLoop;
    this.channel = channel;
    this.runtime = RuntimeServiceGrpc.newBlockingStub(channel);
    this.images = ImageServiceGrpc.newBlockingStub(channel);
    this.callTimeout = callTimeout;
    this.pullTimeout = pullTimeout;
  }

  static GrpcCriClient open(Path socket, Duration callTimeout, Duration pullTimeout) {
    EventLoopGroup eventLoop = new EpollEventLoopGroup(1, new DefaultThreadFactory("cri-" + socket.getFileName(), true));
    ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .eventLoopGroup(eventLoop)
        .channelType(EpollDomainSocketChannel.class)
        .usePlaintext()
        // a unix socket has no host name; the authority only fills the HTTP/2 :authority header
        .overrideAuthority("localhost")
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        // grpc-netty asks every channel for TCP keep-alive; a unix socket has none (Netty would warn)
        .withOption(ChannelOption.SO_KEEPALIVE, null)
        .build();
    return new GrpcCriClient(socket, eventLoop, channel, callTimeout, pullTimeout);
  }

  // ---- runtime ----

  @Override
  public RuntimeVersion version() {
    var r = call("Version", () -> runtime().version(VersionRequest.newBuilder().setVersion("v1").build()));
    return new RuntimeVersion(r.getRuntimeName(), r.getRuntimeVersion(), r.getRuntimeApiVersion());
  }

  @Override
  public RuntimeVersion awaitReady(Duration timeout) {
    // waitForReady: the call waits for the channel to connect instead of failing while it cannot
    var stub = runtime.withWaitForReady().withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    var r = call("Version", () -> stub.version(VersionRequest.newBuilder().setVersion("v1").build()));
    return new RuntimeVersion(r.getRuntimeName(), r.getRuntimeVersion(), r.getRuntimeApiVersion());
  }

  @Override
  public RuntimeStatus status() {
    var r = call("Status", () -> runtime().status(StatusRequest.getDefaultInstance()));
    return new RuntimeStatus(r.getStatus().getConditionsList().stream()
        .map(c -> new RuntimeStatus.Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage()))
        .toList());
  }

  // ---- sandboxes ----

  @Override
  public String runPodSandbox(PodSandboxSpec spec) {
    var request = RunPodSandboxRequest.newBuilder().setConfig(ProtoMapping.sandboxConfig(spec)).build();
    return call("RunPodSandbox", () -> runtime().runPodSandbox(request)).getPodSandboxId();
  }

  @Override
  public void stopPodSandbox(String sandboxId) {
    call("StopPodSandbox", () -> runtime().stopPodSandbox(
        StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build()));
  }

  @Override
  public void removePodSandbox(String sandboxId) {
    call("RemovePodSandbox", () -> runtime().removePodSandbox(
        RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build()));
  }

  @Override
  public SandboxStatus podSandboxStatus(String sandboxId) {
    var r = call("PodSandboxStatus", () -> runtime().podSandboxStatus(
        PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandboxId).build()));
    return ProtoMapping.sandboxStatus(r.getStatus());
  }

  @Override
  public List<Sandbox> listPodSandboxes(SandboxFilter filter) {
    var r = call("ListPodSandbox", () -> runtime().listPodSandbox(
        ListPodSandboxRequest.newBuilder().setFilter(ProtoMapping.sandboxFilter(filter)).build()));
    return r.getItemsList().stream().map(ProtoMapping::sandbox).toList();
  }

  // ---- containers ----

  @Override
  public String createContainer(String sandboxId, ContainerSpec spec, PodSandboxSpec sandbox) {
    var request = CreateContainerRequest.newBuilder()
        .setPodSandboxId(sandboxId)
        .setConfig(ProtoMapping.containerConfig(spec, sandbox))
        .setSandboxConfig(ProtoMapping.sandboxConfig(sandbox))
        .build();
    return call("CreateContainer", () -> runtime().createContainer(request)).getContainerId();
  }

  @Override
  public void startContainer(String containerId) {
    call("StartContainer", () -> runtime().startContainer(
        StartContainerRequest.newBuilder().setContainerId(containerId).build()));
  }

  @Override
  public void stopContainer(String containerId, Duration gracePeriod) {
    var request = StopContainerRequest.newBuilder()
        .setContainerId(containerId).setTimeout(gracePeriod.toSeconds()).build();
    call("StopContainer", () -> runtime(gracePeriod).stopContainer(request));
  }

  @Override
  public void removeContainer(String containerId) {
    call("RemoveContainer", () -> runtime().removeContainer(
        RemoveContainerRequest.newBuilder().setContainerId(containerId).build()));
  }

  @Override
  public List<Container> listContainers(ContainerFilter filter) {
    var r = call("ListContainers", () -> runtime().listContainers(
        ListContainersRequest.newBuilder().setFilter(ProtoMapping.containerFilter(filter)).build()));
    return r.getContainersList().stream().map(ProtoMapping::container).toList();
  }

  @Override
  public ContainerStatus containerStatus(String containerId) {
    var r = call("ContainerStatus", () -> runtime().containerStatus(
        ContainerStatusRequest.newBuilder().setContainerId(containerId).build()));
    return ProtoMapping.containerStatus(r.getStatus());
  }

  @Override
  public void updateContainerResources(String containerId, LinuxResources resources) {
    call("UpdateContainerResources", () -> runtime().updateContainerResources(
        UpdateContainerResourcesRequest.newBuilder()
            .setContainerId(containerId).setLinux(ProtoMapping.resources(resources)).build()));
  }

  @Override
  public ExecResult execSync(String containerId, List<String> command, Duration timeout) {
    if (timeout.toSeconds() < 1) {
      // CRI counts whole seconds and reads 0 as "no timeout"
      throw new IllegalArgumentException("exec timeout must be at least one second, was " + timeout);
    }
    var request = ExecSyncRequest.newBuilder()
        .setContainerId(containerId).addAllCmd(command).setTimeout(timeout.toSeconds()).build();
    var r = call("ExecSync", () -> runtime(timeout).execSync(request));
    return new ExecResult(r.getExitCode(), r.getStdout().toByteArray(), r.getStderr().toByteArray());
  }

  @Override
  public String exec(String containerId, List<String> command, Streams streams) {
    var request = ExecRequest.newBuilder()
        .setContainerId(containerId).addAllCmd(command)
        .setStdin(streams.stdin()).setStdout(streams.stdout()).setStderr(streams.stderr())
        .setTty(streams.tty())
        .build();
    return call("Exec", () -> runtime().exec(request)).getUrl();
  }

  @Override
  public String attach(String containerId, Streams streams) {
    var request = AttachRequest.newBuilder()
        .setContainerId(containerId)
        .setStdin(streams.stdin()).setStdout(streams.stdout()).setStderr(streams.stderr())
        .setTty(streams.tty())
        .build();
    return call("Attach", () -> runtime().attach(request)).getUrl();
  }

  @Override
  public String portForward(String sandboxId, List<Integer> ports) {
    var request = PortForwardRequest.newBuilder().setPodSandboxId(sandboxId).addAllPort(ports).build();
    return call("PortForward", () -> runtime().portForward(request)).getUrl();
  }

  // ---- images ----

  @Override
  public String pullImage(String image, Optional<RegistryAuth> auth) {
    var request = PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image));
    auth.ifPresent(a -> request.setAuth(AuthConfig.newBuilder()
        .setServerAddress(a.serverAddress())
        .setUsername(a.username())
        .setPassword(a.password())
        .setAuth(a.auth())));
    var stub = images.withDeadlineAfter(pullTimeout.toMillis(), TimeUnit.MILLISECONDS);
    return call("PullImage " + image, () -> stub.pullImage(request.build())).getImageRef();
  }

  @Override
  public Optional<ImageInfo> imageStatus(String image) {
    var r = call("ImageStatus", () -> images().imageStatus(ImageStatusRequest.newBuilder()
        .setImage(ImageSpec.newBuilder().setImage(image)).build()));
    // a missing image is an empty answer, not an error
    return r.hasImage() && !r.getImage().getId().isEmpty()
        ? Optional.of(ProtoMapping.image(r.getImage()))
        : Optional.empty();
  }

  @Override
  public List<ImageInfo> listImages() {
    var r = call("ListImages", () -> images().listImages(ListImagesRequest.getDefaultInstance()));
    return r.getImagesList().stream().map(ProtoMapping::image).toList();
  }

  @Override
  public void removeImage(String image) {
    call("RemoveImage", () -> images().removeImage(RemoveImageRequest.newBuilder()
        .setImage(ImageSpec.newBuilder().setImage(image)).build()));
  }

  @Override
  public ImageFilesystem imageFilesystem() {
    var r = call("ImageFsInfo", () -> images().imageFsInfo(dev.pier.agent.cri.v1.ImageFsInfoRequest.getDefaultInstance()));
    if (r.getImageFilesystemsCount() == 0) throw new CriException(CriException.Code.UNKNOWN, "the runtime reports no image file system", null);
    var fs = r.getImageFilesystems(0);
    return new ImageFilesystem(fs.getFsId().getMountpoint(), fs.getUsedBytes().getValue());
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "CriClient[" + socket + "]";
  }

  // ---- plumbing ----

  private RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
    return runtime.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** For calls that wait on a container for {@code extra} before answering. */
  private RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime(Duration extra) {
    return runtime.withDeadlineAfter(callTimeout.plus(extra).toMillis(), TimeUnit.MILLISECONDS);
  }

  private ImageServiceGrpc.ImageServiceBlockingStub images() {
    return images.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T call(String what, Supplier<T> rpc) {
    try {
      T result = rpc.get();
      log.debug("{} {}: ok", socket, what);
      return result;
    } catch (StatusRuntimeException e) {
      var code = switch (e.getStatus().getCode()) {
        case NOT_FOUND -> CriException.Code.NOT_FOUND;
        case ALREADY_EXISTS -> CriException.Code.ALREADY_EXISTS;
        case INVALID_ARGUMENT -> CriException.Code.INVALID_ARGUMENT;
        case UNAVAILABLE -> CriException.Code.UNAVAILABLE;
        case DEADLINE_EXCEEDED -> CriException.Code.DEADLINE_EXCEEDED;
        default -> CriException.Code.UNKNOWN;
      };
      String description = e.getStatus().getDescription();
      throw new CriException(code, what + " on " + socket + ": "
          + (description != null ? description : e.getStatus().getCode()), e);
    }
  }
}
