package dev.pier.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {
  private static final MountTable TABLE = MountTable.parse(List.of(
      "22 1 0:21 / /proc rw,nosuid - proc proc rw",
      "90 22 7:3 / /var/lib/pier/plugins/block.pier.dev/pvc-a/globalmount rw,relatime shared:40 - ext4 /dev/loop3 rw",
      "91 22 7:4 / /var/lib/pier/plugins/block.pier.dev/pvc\\040b/globalmount rw,relatime - xfs /dev/loop4 rw",
      "92 22 0:50 / /var/lib/pier/pods/u1/volumes/kubernetes.io~secret/s rw - tmpfs tmpfs rw,size=100k",
      "broken line"));

  @Test
  void readsMountPointFileSystemAndSourcePastOptionalTags() {
    assertThat(TABLE.at(Path.of("/var/lib/pier/plugins/block.pier.dev/pvc-a/globalmount")))
        .contains(new MountTable.Entry(Path.of("/var/lib/pier/plugins/block.pier.dev/pvc-a/globalmount"), "ext4", "/dev/loop3"));
  }

  @Test
  void unescapesSpacesAndFindsMountsUnderADirectory() {
    assertThat(TABLE.under(Path.of("/var/lib/pier/plugins/block.pier.dev")))
        .extracting(MountTable.Entry::mountPoint)
        .containsExactly(Path.of("/var/lib/pier/plugins/block.pier.dev/pvc-a/globalmount"),
            Path.of("/var/lib/pier/plugins/block.pier.dev/pvc b/globalmount"));
    assertThat(TABLE.at(Path.of("/var/lib/pier/plugins/block.pier.dev/pvc-c/globalmount"))).isEmpty();
  }
}
