package dev.pier.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code pier up --nodes 2} process for the real-node benchmarks, in a temporary directory it deletes
 * when closed; its output goes to {@code pier.log} there, and the moments its machines came up and its
 * nodes turned Ready are kept (for the node join figures).
 */
final class PierUp implements AutoCloseable {
  private static final Pattern MACHINE_UP = Pattern.compile("machine (\\S+) up at");
  private static final Pattern NODE_READY = Pattern.compile("node (\\S+) is Ready");
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

  final Path work;
  final Path data;
  final Map<String, Long> machineUp = new ConcurrentHashMap<>();
  final Map<String, Long> nodeReady = new ConcurrentHashMap<>();
  private final Process process;
  private final Thread reader;

  private PierUp(Path work, Process process, CountDownLatch up) {
    this.work = work;
    this.data = work.resolve("data");
    this.process = process;
    this.reader = Thread.ofVirtual().start(() -> follow(up));
  }

  /** Starts {@code pier up} from the binary's jar (system property {@code bench.pierJar}) and waits until it is up. */
  static PierUp start(String prefix) throws Exception {
    Path jar = Path.of(System.getProperty("bench.pierJar", "cli/target/pier.jar")).toAbsolutePath();
    if (!Files.exists(jar)) throw new IllegalStateException("no " + jar + ": build it with mvn -pl cli -am install -DskipTests");
    Path work = Files.createTempDirectory(prefix);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-XX:+UseZGC",
        "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "up", "--data-dir", work.resolve("data").toString(),
        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--nodes", "2")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
    CountDownLatch up = new CountDownLatch(1);
    PierUp pier = new PierUp(work, process, up);
    if (!up.await(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      pier.close();
      throw new IllegalStateException("pier up was not up in " + READY_TIMEOUT);
    }
    return pier;
  }

  Path kubeconfig() {
    return data.resolve("clusters/demo/kubeconfig");
  }

  private void follow(CountDownLatch up) {
    try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         var out = Files.newBufferedWriter(work.resolve("pier.log"))) {
      String line;
      while ((line = in.readLine()) != null) {
        long now = System.nanoTime();
        out.write(line);
        out.newLine();
        Matcher m = MACHINE_UP.matcher(line);
        if (m.find()) machineUp.putIfAbsent(m.group(1), now);
        m = NODE_READY.matcher(line);
        if (m.find()) nodeReady.putIfAbsent(m.group(1), now);
        if (line.startsWith("Pier is up.")) up.countDown();
        out.flush();
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  /** Stops Pier (and so its nodes) and deletes the directory. */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly();
    reader.join(5_000);
    if (!Files.exists(work)) return;
    try (var walk = Files.walk(work)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
