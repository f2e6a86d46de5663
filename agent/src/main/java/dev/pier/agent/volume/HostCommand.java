package dev.pier.agent.volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A program run on the node (mkfs, mount, ...) with a deadline, its output kept for error messages. */
final class HostCommand {
  private HostCommand() {}

  record Result(List<String> command, int exitCode, String output) {
    /** The output, or a description of the failure when the program failed. */
    String checked() throws IOException {
      if (exitCode != 0) throw new IOException(describe());
      return output;
    }

    String describe() {
      return String.join(" ", command) + " failed (exit " + exitCode + ")" + (output.isEmpty() ? "" : ": " + output);
    }
  }

  static Result run(List<String> command, Duration timeout) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    // the output is drained beside the wait: a chatty program would block on a full pipe
    var output = new java.util.concurrent.CompletableFuture<String>();
    Thread.ofVirtual().start(() -> {
      try {
        output.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
      } catch (IOException e) {
        output.complete("");
      }
    });
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in " + timeout.toSeconds() + " s");
      }
      return new Result(command, p.exitValue(), output.get(5, TimeUnit.SECONDS));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return new Result(command, p.exitValue(), "");
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }
}
