/**
 * Block volumes for PersistentVolumes (decision 018): the provider contract
 * ({@link dev.pier.cloud.volume.VolumeProvider}) and its local implementation on loop devices
 * ({@link dev.pier.cloud.volume.LoopVolumeProvider}). Formatting and mounting are the node's job.
 */
package dev.pier.cloud.volume;
