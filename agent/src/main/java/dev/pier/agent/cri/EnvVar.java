package dev.pier.agent.cri;

import java.util.Objects;

/** One environment variable, already resolved by the caller (CRI knows no references). */
public record EnvVar(String name, String value) {
  public EnvVar {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
