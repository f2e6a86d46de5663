package dev.pier.agent.cri;

/** Which streams an exec or attach session carries, and whether it has a terminal. */
public record Streams(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
  public Streams {
    if (!stdin && !stdout && !stderr) {
      throw new IllegalArgumentException("a streaming session needs at least one of stdin, stdout, stderr");
    }
    if (tty && stderr) {
      // a terminal merges stderr into stdout; CRI runtimes reject the combination
      throw new IllegalArgumentException("tty and stderr cannot both be set");
    }
  }
}
