package dev.pier.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stages a real loop device made from a sparse file of the test's own: formats and mounts it, grows
 * it offline after the file grew, and leaves no mount and no loop device behind, even when it fails.
 */
class BlockStagerDeviceTest {
  private static final long MIB = 1L << 20;

  @TempDir Path dir;
  private Path backing;
  private String loop;
  private final BlockStager stager = new BlockStager();

  @BeforeEach
  void makeDevice() throws IOException {
    assumeTrue(System.getProperty("user.name").equals("root"), "loop devices and mounts need root");
    backing = dir.resolve("volume.img");
    sh("truncate", "-s", "64M", backing.toString());
    loop = sh("losetup", "-f", "--show", backing.toString()).trim();
  }

  @AfterEach
  void removeDevice() throws IOException {
    try {
      for (MountTable.Entry e : MountTable.read().under(dir).reversed()) {
        HostCommand.run(List.of("umount", e.mountPoint().toString()), Duration.ofSeconds(30));
      }
    } finally {
      if (loop != null) HostCommand.run(List.of("losetup", "-d", loop), Duration.ofSeconds(30));
    }
    assertThat(MountTable.read().under(dir)).as("mounts left under " + dir).isEmpty();
    assertThat(sh("losetup", "-a")).as("loop devices of " + dir).doesNotContain(dir.toString());
  }

  @Test
  void formatsMountsAndGrowsOfflineKeepingTheData() throws IOException {
    Path global = dir.resolve("plugins/block.pier.dev/pvc-1/globalmount");

    var first = stager.stage(new BlockStager.StageRequest(Path.of(loop), global, "ext4", false));
    assertThat(first.formatted()).isTrue();
    assertThat(MountTable.read().at(global)).hasValueSatisfying(e -> assertThat(e.fsType()).isEqualTo("ext4"));
    Files.writeString(global.resolve("kept.txt"), "still here", StandardCharsets.UTF_8);
    long before = Files.getFileStore(global).getTotalSpace();
    assertThat(stager.stage(new BlockStager.StageRequest(Path.of(loop), global, "ext4", true)).alreadyStaged())
        .as("a mounted volume is left as it is").isTrue();

    assertThat(stager.unstage(global)).isTrue();
    assertThat(global).doesNotExist();
    assertThat(stager.unstage(global)).as("unstaging twice").isFalse();

    sh("truncate", "-s", "128M", backing.toString());
    sh("losetup", "-c", loop);
    var grown = stager.stage(new BlockStager.StageRequest(Path.of(loop), global, "ext4", true));
    assertThat(grown.formatted()).isFalse();
    assertThat(grown.grown()).isTrue();
    long after = Files.getFileStore(global).getTotalSpace();
    assertThat(after).isGreaterThan(before + 50 * MIB);
    assertThat(Files.readString(global.resolve("kept.txt"), StandardCharsets.UTF_8)).isEqualTo("still here");
    stager.unstage(global);

    // a device bigger than its file system is grown even when no claim asks (a grow cut short by a crash)
    sh("truncate", "-s", "192M", backing.toString());
    sh("losetup", "-c", loop);
    assertThat(stager.stage(new BlockStager.StageRequest(Path.of(loop), global, "ext4", false)).grown()).isTrue();
    assertThat(Files.getFileStore(global).getTotalSpace()).isGreaterThan(after + 50 * MIB);
    assertThat(Files.readString(global.resolve("kept.txt"), StandardCharsets.UTF_8)).isEqualTo("still here");
    assertThat(stager.unstage(global)).isTrue();
    assertThat(MountTable.read().at(global)).isEmpty();
  }

  @Test
  void refusesADeviceThatHoldsAnotherFileSystem() throws IOException {
    sh("mkfs.ext4", "-q", "-F", loop);
    Path global = dir.resolve("globalmount");
    try {
      stager.stage(new BlockStager.StageRequest(Path.of(loop), global, "xfs", false));
      throw new AssertionError("staging ext4 as xfs succeeded");
    } catch (IOException e) {
      assertThat(e).hasMessageContaining("it already contains ext4");
    }
    assertThat(MountTable.read().at(global)).isEmpty();
  }

  private static String sh(String... command) throws IOException {
    return HostCommand.run(List.of(command), Duration.ofSeconds(60)).checked();
  }
}
