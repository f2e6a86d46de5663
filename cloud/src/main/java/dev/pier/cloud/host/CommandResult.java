package dev.pier.cloud.host;

import java.util.List;

/** How a finished host command ended and what it printed. */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {
  public CommandResult {
    command = List.copyOf(command);
  }

  public boolean succeeded() {
    return exitCode == 0;
  }
}
