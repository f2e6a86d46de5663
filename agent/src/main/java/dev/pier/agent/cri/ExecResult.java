package dev.pier.agent.cri;

import java.nio.charset.StandardCharsets;

/** What a command run with {@link CriClient#execSync} printed and how it exited. */
public record ExecResult(int exitCode, byte[] stdout, byte[] stderr) {
  public ExecResult {
    stdout = stdout.clone();
    stderr = stderr.clone();
  }

  @Override
  public byte[] stdout() {
    return stdout.clone();
  }

  @Override
  public byte[] stderr() {
    return stderr.clone();
  }

  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  public String stderrText() {
    return new String(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ExecResult[exitCode=" + exitCode + ", stdout=" + stdoutText() + ", stderr=" + stderrText() + "]";
  }
}
