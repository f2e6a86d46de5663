package dev.pier.agent.cri;

/** The runtime's answer to Version, e.g. ("containerd", "1.6.20~ds1", "v1"). */
public record RuntimeVersion(String runtimeName, String runtimeVersion, String runtimeApiVersion) {}
