package dev.pier.cloud.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pier.cloud.host.CommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The loop devices backed by files under a test's directory, as {@code losetup -J -l} lists them:
 * what a test must not leave behind. {@link #detachAll} is the tests' last resort, so that a failed
 * test does not hold devices of the host's shared pool.
 */
public final class LoopLeftovers {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CommandRunner RUN = new CommandRunner();

  private LoopLeftovers() {}

  /** Devices (e.g. {@code /dev/loop3}) whose backing file lies under {@code dir}. */
  public static List<String> under(Path dir) {
    String root = realPath(dir);
    List<String> devices = new ArrayList<>();
    try {
      String out = RUN.run("losetup", "-J", "-l").stdout();
      JsonNode list = JSON.readTree(out.isBlank() ? "{}" : out); // no devices at all: some versions print nothing
      for (JsonNode d : list.path("loopdevices")) {
        if (d.path("back-file").asText().startsWith(root + "/")) devices.add(d.path("name").asText());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return devices;
  }

  /** Detaches whatever is left under {@code dir}; returns what was there. */
  public static List<String> detachAll(Path dir) {
    List<String> left = under(dir);
    for (String device : left) RUN.runAllowingFailure(List.of("losetup", "-d", device));
    return left;
  }

  private static String realPath(Path dir) {
    try {
      return dir.toRealPath().toString();
    } catch (IOException e) {
      return dir.toAbsolutePath().toString();
    }
  }
}
