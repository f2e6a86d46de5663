package dev.pier.cloud.loadbalancer;

import dev.pier.cloud.host.CommandRunner;
import dev.pier.cloud.host.Poll;
import dev.pier.cloud.host.SupervisedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One installation's HAProxy, in master-worker mode ({@code -W}): the master stays in the
 * foreground as Pier's child and is supervised (restarted when it dies); workers serve traffic.
 *
 * <p>A reload is {@code SIGUSR2} to the master: it re-executes itself on the new configuration and
 * starts a new worker with {@code -x} (the old worker's listening sockets, handed over on the
 * master's socket pair; the admin socket's {@code expose-fd listeners} allows it) and {@code -sf}
 * (the old worker stops accepting and finishes its connections). No listening socket is ever
 * closed, so a reload refuses no connection. The reload has taken effect when {@code show info}
 * reports the generation written in the new configuration.
 */
final class HaproxyProcess {
  private static final Logger log = LoggerFactory.getLogger(HaproxyProcess.class);
  private static final Duration READY = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration RESIGNAL = Duration.ofSeconds(2);

  private final Path config;
  private final Path pidFile;
  private final HaproxyRuntimeApi api;
  private final CommandRunner run;
  private final SupervisedProcess master;

  HaproxyProcess(Path config, Path pidFile, Path adminSocket, Path logFile, CommandRunner run, ScheduledExecutorService scheduler) {
    this.config = config;
    this.pidFile = pidFile;
    this.api = new HaproxyRuntimeApi(adminSocket);
    this.run = run;
    this.master = new SupervisedProcess("haproxy", List.of("haproxy", "-W", "-f", config.toString(), "-p", pidFile.toString()),
        Map.of(), logFile, run, scheduler);
  }

  HaproxyRuntimeApi api() {
    return api;
  }

  long masterPid() {
    return master.pid();
  }

  /** Checks a configuration file without running it; throws with HAProxy's complaint. */
  void validate(Path candidate) {
    var result = run.runAllowingFailure(List.of("haproxy", "-c", "-q", "-f", candidate.toString()));
    if (!result.succeeded()) {
      throw new LoadBalancerException(LoadBalancerException.Code.FAILED,
          "HAProxy refused the configuration: " + (result.stderr().isBlank() ? result.stdout() : result.stderr()).strip());
    }
  }

  /** Stops what a run of Pier that did not close left of this HAProxy, then starts it on the current configuration. */
  void start(long generation) {
    killLeftovers();
    master.start();
    awaitGeneration(generation, READY);
  }

  /**
   * Makes HAProxy serve the current configuration, which carries {@code generation}. A master
   * still finishing its previous reload can miss the signal (seen under load on 2.6), so the
   * signal is sent again while the new generation does not show; one reload more is harmless.
   */
  void reload(long generation) {
    long deadline = System.nanoTime() + READY.toNanos();
    while (true) {
      if (master.running()) {
        run.run("kill", "-USR2", Long.toString(master.pid()));
      } // else the supervisor is restarting it, and it will read the new file
      try {
        awaitGeneration(generation, RESIGNAL);
        return;
      } catch (IllegalStateException notYet) {
        if (System.nanoTime() - deadline > 0) {
          throw new LoadBalancerException(LoadBalancerException.Code.FAILED,
              "HAProxy did not take configuration generation " + generation + " within " + READY + "; see its log", notYet);
        }
        log.debug("HAProxy has not loaded generation {} yet; signalling it again", generation);
      }
    }
  }

  /** Stops the master, which stops its workers (their connections are closed). */
  void stop() {
    master.stop(STOP_GRACE);
    killLeftovers(); // workers of a master that had to be killed
  }

  private void awaitGeneration(long generation, Duration timeout) {
    String expected = "pier generation " + generation;
    Poll.until(timeout, () -> "HAProxy to serve " + config + " (" + expected + ")", () -> {
      if (!master.running() && master.restarts() == 0) {
        throw new LoadBalancerException(LoadBalancerException.Code.FAILED, "HAProxy exited at start; see its log");
      }
      try {
        return expected.equals(api.info().get("description"));
      } catch (UncheckedIOException notYet) {
        return false; // socket not there yet, or being handed over
      }
    });
  }

  /** Every haproxy process started on this configuration file, found from /proc rather than from memory. */
  private void killLeftovers() {
    List<Long> pids = processesOn(config);
    if (pids.isEmpty()) return;
    log.info("stopping HAProxy processes {} left on {}", pids, config);
    for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    try {
      Poll.until(STOP_GRACE, () -> "HAProxy processes " + pids + " to exit", () -> processesOn(config).isEmpty());
    } catch (IllegalStateException stillThere) {
      log.warn("HAProxy processes on {} did not stop within {}; killing them", config, STOP_GRACE);
      for (long pid : processesOn(config)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      Poll.until(STOP_GRACE, () -> "HAProxy processes on " + config + " to die", () -> processesOn(config).isEmpty());
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Long> processesOn(Path config) {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path proc : procs) {
        List<String> argv;
        try {
          argv = List.of(new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
        } catch (IOException gone) {
          continue;
        }
        if (!argv.isEmpty() && argv.getFirst().endsWith("haproxy") && argv.contains(config.toString())) {
          pids.add(Long.parseLong(proc.getFileName().toString()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }
}
