package dev.pier.cloud.host;

import java.util.List;

/** A host command failed; the message names the command, its exit code and what it printed. */
public final class CommandException extends RuntimeException {
  private final List<String> command;
  private final int exitCode;

  public CommandException(List<String> command, int exitCode, String output) {
    super(String.join(" ", command) + " exited " + exitCode + (output.isBlank() ? "" : ": " + output.strip()));
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
  }

  public CommandException(List<String> command, String problem, Throwable cause) {
    super(String.join(" ", command) + ": " + problem, cause);
    this.command = List.copyOf(command);
    this.exitCode = -1;
  }

  public List<String> command() {
    return command;
  }

  /** The exit code, or -1 when the command could not run or timed out. */
  public int exitCode() {
    return exitCode;
  }
}
