package dev.pier.agent.kubelet;

/** The Kubernetes version the agent reports as its kubelet's: the API server's (apiserver's {@code Version}). */
final class AgentVersion {
  static final String KUBELET_VERSION = "v1.32.4-pier.0.1.0";

  private AgentVersion() {}
}
