package dev.pier.agent.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsGroupOwnershipTest {
  @TempDir Path dir;

  @Test
  void rootNeedsNoChangeOnlyWithTheGroupSetgidAndGroupAccess() {
    assertThat(FsGroupOwnership.rootNeedsChange(2000, 02775, 2000, false)).isFalse();
    assertThat(FsGroupOwnership.rootNeedsChange(0, 02775, 2000, false)).as("another group").isTrue();
    assertThat(FsGroupOwnership.rootNeedsChange(2000, 0775, 2000, false)).as("no setgid").isTrue();
    assertThat(FsGroupOwnership.rootNeedsChange(2000, 02755, 2000, false)).as("group cannot write").isTrue();
    assertThat(FsGroupOwnership.rootNeedsChange(2000, 02755, 2000, true)).as("read-only needs group read only").isFalse();
  }

  @Test
  void directoriesGetGroupSearchAndSetgidFilesGroupReadWrite() {
    assertThat(FsGroupOwnership.changedMode(0755, false, true)).isEqualTo(02775);
    assertThat(FsGroupOwnership.changedMode(0600, false, false)).isEqualTo(0660);
    assertThat(FsGroupOwnership.changedMode(0600, true, false)).isEqualTo(0640);
    assertThat(FsGroupOwnership.changedMode(04700, false, false)).isEqualTo(04760);
  }

  @Test
  void appliesToTheWholeTreeAndOnRootMismatchSkipsADoneRoot() throws IOException {
    assumeTrue(System.getProperty("user.name").equals("root"), "changing a file's group to any gid needs root");
    Path root = Files.createDirectories(dir.resolve("vol"));
    Path sub = Files.createDirectories(root.resolve("a/b"));
    Path file = Files.writeString(sub.resolve("f"), "x");
    Files.setAttribute(file, "unix:mode", 0600);

    assertThat(FsGroupOwnership.apply(root, 4321, "Always", false)).isTrue();
    assertThat(gid(root)).isEqualTo(4321);
    assertThat(gid(file)).isEqualTo(4321);
    assertThat(mode(sub) & 02070).isEqualTo(02070);
    assertThat(mode(file) & 07777).isEqualTo(0660);

    Path later = Files.writeString(root.resolve("later"), "y");
    assertThat(gid(later)).as("setgid directory hands its group down").isEqualTo(4321);
    Files.setAttribute(later, "unix:gid", 0);
    assertThat(FsGroupOwnership.apply(root, 4321, "OnRootMismatch", false)).isFalse();
    assertThat(gid(later)).as("skipped: the root looked done").isZero();
    assertThat(FsGroupOwnership.apply(root, 4321, "Always", false)).isTrue();
    assertThat(gid(later)).isEqualTo(4321);
  }

  private static int gid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
  }
}
