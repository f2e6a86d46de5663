package dev.pier.agent.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.agent.kubelet.AtomicDirectory.Payload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {
  @TempDir
  Path dir;

  @Test
  void filesAreSeenThroughOneDataLinkSwappedOnChange() throws IOException {
    assertThat(AtomicDirectory.write(dir, Map.of("mode", payload("old", 0644), "conf/app.yaml", payload("a: 1", 0600)))).isTrue();
    assertThat(Files.readString(dir.resolve("mode"))).isEqualTo("old");
    assertThat(Files.readString(dir.resolve("conf/app.yaml"))).isEqualTo("a: 1");
    assertThat(Files.isSymbolicLink(dir.resolve("mode"))).isTrue();
    assertThat(Files.readSymbolicLink(dir.resolve("mode"))).isEqualTo(Path.of("..data", "mode"));
    Path first = dir.resolve("..data").toRealPath();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.resolve("conf/app.yaml")))).isEqualTo("rw-------");

    assertThat(AtomicDirectory.write(dir, Map.of("mode", payload("old", 0644), "conf/app.yaml", payload("a: 1", 0600))))
        .as("same contents: nothing written").isFalse();
    assertThat(dir.resolve("..data").toRealPath()).isEqualTo(first);

    assertThat(AtomicDirectory.write(dir, Map.of("mode", payload("new", 0644)))).isTrue();
    assertThat(Files.readString(dir.resolve("mode"))).isEqualTo("new");
    assertThat(dir.resolve("conf")).as("a key that went away is gone").doesNotExist();
    assertThat(first).as("the old version is removed").doesNotExist();
  }

  @Test
  void aPathOutsideTheVolumeIsRefused() {
    assertThatThrownBy(() -> AtomicDirectory.write(dir, Map.of("../escape", payload("x", 0644))))
        .isInstanceOf(IOException.class).hasMessageContaining("escapes");
  }

  private static Payload payload(String text, int mode) {
    return new Payload(text.getBytes(StandardCharsets.UTF_8), mode);
  }
}
