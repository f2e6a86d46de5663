/**
 * Block volumes on the node, the part of a CSI node plugin Pier's agent plays for its driver
 * {@code block.pier.dev} (decision 018): the names Kubernetes derives from a volume, formatting,
 * offline growing and mounting a device once per node ({@link dev.pier.agent.volume.BlockStager}),
 * reading mounts back from the kernel, and the fsGroup ownership a pod asks of its volumes.
 */
package dev.pier.agent.volume;
