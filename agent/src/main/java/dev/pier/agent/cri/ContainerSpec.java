package dev.pier.agent.cri;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the kubelet asks of one container in a sandbox. The container's namespaces follow its
 * sandbox's ({@link PodSandboxSpec}), so they are not repeated here.
 *
 * <p>{@code command} replaces the image's ENTRYPOINT and {@code args} its CMD, as in a pod spec.
 * {@code logPath} is relative to the sandbox's log directory; the runtime writes the container's
 * output there in the CRI log format ({@code <RFC3339Nano> stdout|stderr F|P <line>}).
 */
public record ContainerSpec(
    String name,
    int attempt,
    String image,
    List<String> command,
    List<String> args,
    String workingDir,
    List<EnvVar> env,
    List<Mount> mounts,
    Map<String, String> labels,
    Map<String, String> annotations,
    String logPath,
    boolean stdin,
    boolean stdinOnce,
    boolean tty,
    LinuxResources resources,
    ContainerSecurity security) {

  public ContainerSpec {
    Objects.requireNonNull(name, "name");
    if (attempt < 0) throw new IllegalArgumentException("attempt was negative: " + attempt);
    Objects.requireNonNull(image, "image");
    command = List.copyOf(command);
    args = List.copyOf(args);
    Objects.requireNonNull(workingDir, "workingDir");
    env = List.copyOf(env);
    mounts = List.copyOf(mounts);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(logPath, "logPath");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(security, "security");
  }

  /** {@code image} is a reference the runtime holds: what {@link CriClient#pullImage} returned, or a name. */
  public static Builder builder(String name, String image) {
    return new Builder(name, image);
  }

  /** Builds a {@link ContainerSpec}; only name and image are required. */
  public static final class Builder {
    private final String name;
    private final String image;
    private int attempt;
    private List<String> command = List.of();
    private List<String> args = List.of();
    private String workingDir = "";
    private List<EnvVar> env = List.of();
    private List<Mount> mounts = List.of();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private String logPath = "";
    private boolean stdin;
    private boolean stdinOnce;
    private boolean tty;
    private LinuxResources resources = LinuxResources.NONE;
    private ContainerSecurity security = ContainerSecurity.DEFAULT;

    private Builder(String name, String image) {
      this.name = Objects.requireNonNull(name, "name");
      this.image = Objects.requireNonNull(image, "image");
    }

    /** Counts restarts: the runtime refuses a second container with the same name and attempt in a sandbox. */
    public Builder attempt(int attempt) {
      this.attempt = attempt;
      return this;
    }

    public Builder command(List<String> command) {
      this.command = command;
      return this;
    }

    public Builder command(String... command) {
      return command(List.of(command));
    }

    public Builder args(List<String> args) {
      this.args = args;
      return this;
    }

    public Builder workingDir(String workingDir) {
      this.workingDir = workingDir;
      return this;
    }

    public Builder env(List<EnvVar> env) {
      this.env = env;
      return this;
    }

    public Builder mounts(List<Mount> mounts) {
      this.mounts = mounts;
      return this;
    }

    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      this.labels.putAll(labels);
      return this;
    }

    public Builder annotations(Map<String, String> annotations) {
      this.annotations.putAll(annotations);
      return this;
    }

    public Builder logPath(String logPath) {
      this.logPath = logPath;
      return this;
    }

    public Builder stdin(boolean stdin, boolean stdinOnce) {
      this.stdin = stdin;
      this.stdinOnce = stdinOnce;
      return this;
    }

    public Builder tty(boolean tty) {
      this.tty = tty;
      return this;
    }

    public Builder resources(LinuxResources resources) {
      this.resources = resources;
      return this;
    }

    public Builder security(ContainerSecurity security) {
      this.security = security;
      return this;
    }

    public ContainerSpec build() {
      return new ContainerSpec(name, attempt, image, command, args, workingDir, env, mounts, labels,
          annotations, logPath, stdin, stdinOnce, tty, resources, security);
    }
  }
}
