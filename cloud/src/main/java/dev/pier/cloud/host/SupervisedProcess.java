package dev.pier.cloud.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one long-lived program running: when it exits without being asked to, it is started
 * again after a back-off (1 s doubling to 30 s, back to 1 s once a run lasted a minute), like a
 * service manager's {@code Restart=always}. Exits are noticed through {@link Process#onExit()},
 * so nothing polls.
 */
public final class SupervisedProcess {
  private static final Logger log = LoggerFactory.getLogger(SupervisedProcess.class);
  private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration STABLE_RUN = Duration.ofMinutes(1);

  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path logFile;
  private final CommandRunner run;
  private final ScheduledExecutorService scheduler;

  private Process process;
  private long startedAt;
  private Duration backoff = MIN_BACKOFF;
  private int restarts;
  private boolean stopping;

  public SupervisedProcess(String name, List<String> command, Map<String, String> env, Path logFile,
      CommandRunner run, ScheduledExecutorService scheduler) {
    this.name = name;
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.logFile = logFile;
    this.run = run;
    this.scheduler = scheduler;
  }

  /** Starts the program; from now on it is restarted whenever it exits. */
  public synchronized void start() {
    stopping = false;
    launch();
  }

  /** Completes when the current run of the program exits (for start-up checks that should fail fast). */
  public synchronized CompletableFuture<Process> currentExit() {
    return process.onExit();
  }

  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  public synchronized int restarts() {
    return restarts;
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Stops supervising, sends SIGTERM, and SIGKILL once {@code grace} has passed. */
  public void stop(Duration grace) {
    Process p;
    synchronized (this) {
      stopping = true;
      p = process;
    }
    if (p == null || !p.isAlive()) return;
    log.info("stopping {} (pid {})", name, p.pid());
    p.destroy();
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{} did not stop within {}; killing it", name, grace);
        p.destroyForcibly();
        p.waitFor();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void launch() {
    Process p = run.start(command, env, logFile);
    process = p;
    startedAt = System.nanoTime();
    p.onExit().thenAccept(this::exited);
  }

  private synchronized void exited(Process p) {
    if (stopping || p != process) return;
    if (System.nanoTime() - startedAt > STABLE_RUN.toNanos()) backoff = MIN_BACKOFF;
    restarts++;
    log.warn("{} exited with {}; restarting in {} (restart {}; see {})", name, p.exitValue(), backoff, restarts, logFile);
    scheduler.schedule(this::relaunch, backoff.toMillis(), TimeUnit.MILLISECONDS);
    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
  }

  private synchronized void relaunch() {
    if (stopping) return;
    try {
      launch();
    } catch (RuntimeException e) {
      log.error("could not restart {}; trying again in {}", name, backoff, e);
      scheduler.schedule(this::relaunch, backoff.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
