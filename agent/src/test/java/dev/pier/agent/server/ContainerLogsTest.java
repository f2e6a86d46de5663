package dev.pier.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubelet's log options over a CRI log file, as containerd writes them (partial lines included). */
class ContainerLogsTest {
  private static final String LOG = """
      2024-05-01T10:00:00.100000000Z stdout F one
      2024-05-01T10:00:01.2Z stderr F two
      2024-05-01T10:00:02.300000000Z stdout P thr
      2024-05-01T10:00:02.300000001Z stdout F ee
      2024-05-01T10:00:03.400000000+00:00 stdout F four
      2024-05-01T10:00:04.000000000Z stdout F\s
      """;
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T10:00:05Z"), ZoneOffset.UTC);

  @TempDir
  Path dir;

  private String read(Map<String, String> query) throws Exception {
    Path file = dir.resolve("0.log");
    Files.writeString(file, LOG);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ContainerLogs.stream(file, LogOptions.parse(query::get, CLOCK), () -> false, new ContainerLogs.Sink() {
      @Override
      public void write(byte[] bytes) {
        out.writeBytes(bytes);
      }

      @Override
      public boolean gone() {
        return false;
      }
    });
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void wholeLogJoinsPartialLines() throws Exception {
    assertThat(read(Map.of())).isEqualTo("one\ntwo\nthree\nfour\n\n");
  }

  @Test
  void tailCountsFileLines() throws Exception {
    assertThat(read(Map.of("tailLines", "2"))).isEqualTo("four\n\n");
    assertThat(read(Map.of("tailLines", "3"))).isEqualTo("ee\nfour\n\n");
    assertThat(read(Map.of("tailLines", "0"))).isEmpty();
    assertThat(read(Map.of("tailLines", "100"))).isEqualTo("one\ntwo\nthree\nfour\n\n");
  }

  @Test
  void sinceSkipsOlderLines() throws Exception {
    assertThat(read(Map.of("sinceSeconds", "3"))).isEqualTo("three\nfour\n\n");
    assertThat(read(Map.of("sinceTime", "2024-05-01T10:00:03Z"))).isEqualTo("four\n\n");
  }

  @Test
  void timestampsHaveNineDigitsAndLimitCutsBytes() throws Exception {
    assertThat(read(Map.of("timestamps", "true", "tailLines", "5")))
        .isEqualTo("2024-05-01T10:00:01.200000000Z two\n2024-05-01T10:00:02.300000000Z thr2024-05-01T10:00:02.300000001Z ee\n"
            + "2024-05-01T10:00:03.400000000Z four\n2024-05-01T10:00:04.000000000Z \n");
    assertThat(read(Map.of("limitBytes", "6"))).isEqualTo("one\ntw");
  }
}
