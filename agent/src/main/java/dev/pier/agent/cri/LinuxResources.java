package dev.pier.agent.cri;

/**
 * cgroup settings of a container, in the units the kubelet computes from requests and limits:
 * CPU shares from the request (1024 per CPU), CFS quota and period from the limit, the memory limit
 * in bytes. Zero means "not set" for every field, as in CRI.
 */
public record LinuxResources(
    long cpuPeriod, long cpuQuota, long cpuShares, long memoryLimitBytes, long oomScoreAdj) {

  public static final LinuxResources NONE = new LinuxResources(0, 0, 0, 0, 0);

  public LinuxResources withMemoryLimit(long bytes) {
    return new LinuxResources(cpuPeriod, cpuQuota, cpuShares, bytes, oomScoreAdj);
  }

  public LinuxResources withCpu(long period, long quota, long shares) {
    return new LinuxResources(period, quota, shares, memoryLimitBytes, oomScoreAdj);
  }

  public LinuxResources withOomScoreAdj(long adj) {
    return new LinuxResources(cpuPeriod, cpuQuota, cpuShares, memoryLimitBytes, adj);
  }
}
