package dev.pier.cloud.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.cloud.volume.Volume.State;
import dev.pier.cloud.volume.VolumeException.Code;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop provider against real loop devices (as root): every test leaves no device behind, even when it fails. */
class LoopVolumeProviderTest {
  private static final long MIB = 1 << 20;

  @TempDir
  Path dataDir;
  private final List<LoopVolumeProvider> providers = new ArrayList<>();

  private LoopVolumeProvider open() {
    var provider = LoopVolumeProvider.open(dataDir);
    providers.add(provider);
    return provider;
  }

  @AfterEach
  void noLoopDeviceLeft() {
    providers.forEach(LoopVolumeProvider::close);
    List<String> left = LoopLeftovers.detachAll(dataDir);
    assertThat(left).as("loop devices backed by %s after the providers closed", dataDir).isEmpty();
  }

  private static VolumeSpec spec(String name, long size) {
    return new VolumeSpec(name, size, "standard", "local", Map.of("claim", name));
  }

  @Test
  void keepsWhatIsWrittenThroughTheDeviceAcrossDetachAndGrowsWhileAttached() throws IOException {
    var provider = open();
    Volume volume = provider.create(spec("cell/pvc-a", 3 * MIB + 1));
    assertThat(volume.sizeBytes()).as("rounded up to whole MiB").isEqualTo(4 * MIB);
    assertThat(volume.state()).isEqualTo(State.AVAILABLE);
    assertThat(Files.size(dataDir.resolve("volumes").resolve(volume.id() + ".img"))).isEqualTo(4 * MIB);

    Volume attached = provider.attach(volume.id(), "node-1");
    assertThat(attached.state()).isEqualTo(State.IN_USE);
    String device = attached.attachment().orElseThrow().devicePath();
    assertThat(device).matches("/dev/loop[0-9]+");
    assertThat(attached.attachment().get().machine()).isEqualTo("node-1");
    write(device, 3 * MIB + 7, (byte) 0x5a);

    provider.detach(volume.id(), "node-1");
    assertThat(provider.get(volume.id()).orElseThrow().state()).isEqualTo(State.AVAILABLE);
    assertThat(LoopLeftovers.under(dataDir)).isEmpty();

    String again = provider.attach(volume.id(), "node-2").attachment().orElseThrow().devicePath();
    assertThat(read(again, 3 * MIB + 7)).isEqualTo((byte) 0x5a);

    Volume grown = provider.expand(volume.id(), 10 * MIB);
    assertThat(grown.sizeBytes()).isEqualTo(10 * MIB);
    assertThat(deviceSize(again)).as("the attached device sees the new size").isEqualTo(10 * MIB);
    assertThat(read(again, 3 * MIB + 7)).isEqualTo((byte) 0x5a);

    provider.detach(volume.id(), "node-2");
    provider.delete(volume.id());
    assertThat(provider.get(volume.id())).isEmpty();
    assertThat(provider.list()).isEmpty();
    try (var files = Files.list(dataDir.resolve("volumes"))) {
      assertThat(files.map(f -> f.getFileName().toString())).containsOnly(".lock");
    }
  }

  @Test
  void everyCallIsIdempotent() {
    var provider = open();
    Volume first = provider.create(spec("cell/pvc-b", MIB));
    Volume second = provider.create(spec("cell/pvc-b", MIB));
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(provider.list()).hasSize(1);

    String device = provider.attach(first.id(), "node-1").attachment().orElseThrow().devicePath();
    assertThat(provider.attach(first.id(), "node-1").attachment().orElseThrow().devicePath()).isEqualTo(device);
    assertThat(LoopLeftovers.under(dataDir)).containsExactly(device);

    assertThat(provider.expand(first.id(), MIB).sizeBytes()).as("the same size is no change").isEqualTo(MIB);

    provider.detach(first.id(), "node-1");
    provider.detach(first.id(), "node-1");
    provider.detach("vol-0123456789abcdef", "node-1");
    provider.delete(first.id());
    provider.delete(first.id());
    provider.delete("vol-0123456789abcdef");
    provider.delete("../../etc/passwd");
    assertThat(provider.list()).isEmpty();
  }

  @Test
  void refusesWithACode() {
    var provider = open();
    Volume volume = provider.create(spec("cell/pvc-c", 2 * MIB));
    provider.attach(volume.id(), "node-1");

    assertThatThrownBy(() -> provider.delete(volume.id()))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.code()).isEqualTo(Code.IN_USE))
        .hasMessageContaining("node-1");
    assertThatThrownBy(() -> provider.attach(volume.id(), "node-2"))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.code()).isEqualTo(Code.ATTACHED_ELSEWHERE));
    assertThatThrownBy(() -> provider.expand(volume.id(), MIB))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.code()).isEqualTo(Code.SHRINK));
    assertThatThrownBy(() -> provider.attach("vol-00000000000000aa", "node-1"))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.code()).isEqualTo(Code.NOT_FOUND));
    assertThatThrownBy(() -> provider.create(new VolumeSpec("cell/pvc-c", 2 * MIB, "fast", "local", Map.of())))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.code()).isEqualTo(Code.NAME_CONFLICT));

    provider.detach(volume.id(), "node-2"); // another machine's detach leaves it alone
    assertThat(provider.get(volume.id()).orElseThrow().state()).isEqualTo(State.IN_USE);
    provider.detach(volume.id(), "node-1");
    provider.delete(volume.id());
    assertThat(provider.list()).isEmpty();
  }

  @Test
  void aSecondProviderOnTheSameDirectoryIsRefusedWhileTheFirstRuns() {
    open();
    assertThatThrownBy(() -> LoopVolumeProvider.open(dataDir)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another Pier process manages the volumes");
  }

  @Test
  void closingDetachesButKeepsTheVolumesAndTheMachineTheyBelongTo() throws IOException {
    var first = open();
    Volume volume = first.create(spec("cell/pvc-d", MIB));
    write(first.attach(volume.id(), "node-1").attachment().orElseThrow().devicePath(), 42, (byte) 7);
    first.close();
    assertThat(LoopLeftovers.under(dataDir)).isEmpty();

    var second = open();
    Volume after = second.get(volume.id()).orElseThrow();
    assertThat(after.state()).as("after a restart the devices are gone, and the provider says so").isEqualTo(State.AVAILABLE);
    assertThat(Files.readString(dataDir.resolve("volumes").resolve(volume.id() + ".json"))).contains("\"machine\" : \"node-1\"");
    String device = second.attach(volume.id(), "node-1").attachment().orElseThrow().devicePath();
    assertThat(read(device, 42)).isEqualTo((byte) 7);
  }

  @Test
  void aProviderAfterACrashReportsTheDevicesTheKernelStillHas() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process crashed = new ProcessBuilder(java, "-cp", classPath, VolumeCrashRun.class.getName(), dataDir.toString())
        .redirectErrorStream(true).start();
    String[] ready;
    try {
      ready = awaitReady(crashed).split(" ");
    } finally {
      crashed.destroyForcibly().waitFor(); // SIGKILL: nothing detaches
    }
    assertThat(LoopLeftovers.under(dataDir)).containsExactly(ready[1]);

    var provider = open();
    Volume volume = provider.get(ready[0]).orElseThrow();
    assertThat(volume.state()).isEqualTo(State.IN_USE);
    assertThat(volume.attachment().orElseThrow()).isEqualTo(new Volume.Attachment("node-x", ready[1]));
    assertThat(provider.attach(ready[0], "node-x").attachment().orElseThrow().devicePath()).isEqualTo(ready[1]);
    assertThatThrownBy(() -> provider.attach(ready[0], "node-y"))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.code()).isEqualTo(Code.ATTACHED_ELSEWHERE));
    provider.close();
    assertThat(LoopLeftovers.under(dataDir)).as("close detaches what the crashed run attached").isEmpty();
  }

  @Test
  void threadsAttachingAtOnceGetDevicesOfTheirOwn() {
    var provider = open();
    List<CompletableFuture<String>> attaches = IntStream.range(0, 6).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
      Volume v = provider.create(spec("cell/pvc-t" + i, MIB));
      return provider.attach(v.id(), "node-" + i).attachment().orElseThrow().devicePath();
    })).toList();
    Set<String> devices = attaches.stream().map(CompletableFuture::join).collect(Collectors.toSet());
    assertThat(devices).hasSize(6);
    assertThat(provider.list()).hasSize(6).allMatch(v -> v.state() == State.IN_USE);
    assertThat(LoopLeftovers.under(dataDir)).containsExactlyInAnyOrderElementsOf(devices);
  }

  private static void write(String device, long offset, byte value) throws IOException {
    try (var channel = FileChannel.open(Path.of(device), StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {value}), offset);
      channel.force(true);
    }
  }

  private static byte read(String device, long offset) throws IOException {
    try (var channel = FileChannel.open(Path.of(device), StandardOpenOption.READ)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, offset);
      return one.get(0);
    }
  }

  private static long deviceSize(String device) throws IOException {
    String name = Path.of(device).getFileName().toString();
    return Long.parseLong(Files.readString(Path.of("/sys/block", name, "size")).strip()) * 512;
  }

  private static String awaitReady(Process child) throws Exception {
    var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = reader.readLine()) != null; ) {
          System.out.println("[crashed run] " + line);
          if (line.startsWith("READY ")) return line.substring("READY ".length()).strip();
        }
        throw new IllegalStateException("the crashed run ended before it was ready");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    return ready.get(1, TimeUnit.MINUTES);
  }
}
