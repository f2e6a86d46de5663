package dev.pier.cloud.images;

import java.util.List;

/** The runtime settings an image carries (the OCI image config's {@code config} object). */
record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String user,
    List<String> exposedPorts, String stopSignal) {

  static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  ImageConfig {
    entrypoint = List.copyOf(entrypoint);
    cmd = List.copyOf(cmd);
    env = List.copyOf(env);
    exposedPorts = List.copyOf(exposedPorts);
  }
}
