package dev.pier.cloud.machine;

import java.nio.file.Path;

/**
 * A machine as its node needs to know it.
 *
 * @param name the machine's (and its node's) name
 * @param address its IPv4 address: the Node's InternalIP, where its streaming server listens
 * @param podCidr the pods' network on it: the Node's {@code spec.podCIDR}
 * @param podNetwork the pod network of every machine of the installation (each one's podCidr is in it)
 * @param hostAddress where the machine reaches the host and the host's loopback services it was
 *     given (the image registry, the API server)
 * @param runtimeSocket containerd's CRI socket (a unix socket on the host's file system)
 * @param networkNamespace the namespace its programs run in ({@code nsenter --net=<this>})
 * @param podCgroupParent the cgroup (cgroupfs path) under which pods' cgroups go
 * @param nodeDir a directory for the machine's own programs' data (the agent's data directory)
 */
public record Machine(
    String name,
    String address,
    Cidr podCidr,
    Cidr podNetwork,
    String hostAddress,
    Path runtimeSocket,
    Path networkNamespace,
    String podCgroupParent,
    Path nodeDir) {}
