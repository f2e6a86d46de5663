package dev.pier.cloud.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs host programs ({@code ip}, {@code nsenter}, {@code umount}, {@code skopeo}, ...) and long-lived
 * processes (containerd, the registry), logging each command line before it runs.
 *
 * <p>Programs get a fixed PATH with the sbin directories, since containerd looks up runc and its
 * shim there and a service's environment may lack them. Short commands are bounded by a timeout so
 * a stuck program cannot hang its caller.
 */
public final class CommandRunner {
  private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);
  public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  private final Duration timeout;

  public CommandRunner() {
    this(DEFAULT_TIMEOUT);
  }

  public CommandRunner(Duration timeout) {
    this.timeout = timeout;
  }

  /** Runs a command to completion; throws {@link CommandException} unless it exits 0. */
  public CommandResult run(String... command) {
    return run(List.of(command));
  }

  public CommandResult run(List<String> command) {
    CommandResult result = runAllowingFailure(command);
    if (!result.succeeded()) {
      throw new CommandException(command, result.exitCode(), result.stderr().isBlank() ? result.stdout() : result.stderr());
    }
    return result;
  }

  /** Runs a command to completion and returns how it ended, whatever its exit code. */
  public CommandResult runAllowingFailure(List<String> command) {
    log.debug("run: {}", String.join(" ", command));
    Process process;
    try {
      process = builder(command).start();
    } catch (IOException e) {
      throw new CommandException(command, "could not start", e);
    }
    closeQuietly(process);
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new CommandException(command, "no answer after " + timeout, null);
      }
      var result = new CommandResult(command, process.exitValue(), out.get(), err.get());
      if (!result.succeeded()) {
        log.debug("{} exited {}: {}", command.getFirst(), result.exitCode(), result.stderr().strip());
      }
      return result;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandException(command, "interrupted", e);
    } catch (ExecutionException e) {
      throw new CommandException(command, "could not read its output", e.getCause());
    }
  }

  /**
   * Starts a long-lived process whose output (both streams) is appended to {@code logFile}; the
   * caller owns the returned process.
   */
  public Process start(List<String> command, Map<String, String> env, Path logFile) {
    log.info("start: {} (log {})", String.join(" ", command), logFile);
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder builder = builder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.environment().putAll(env);
      return builder.start();
    } catch (IOException e) {
      throw new CommandException(command, "could not start", e);
    }
  }

  private static void closeQuietly(Process process) {
    try {
      process.getOutputStream().close(); // no input: programs that read stdin see end of file
    } catch (IOException ignored) {
      // the process is gone already; its exit code tells the rest
    }
  }

  private static ProcessBuilder builder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PATH", PATH);
    builder.environment().put("LC_ALL", "C");
    return builder;
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, Thread::startVirtualThread);
  }
}
