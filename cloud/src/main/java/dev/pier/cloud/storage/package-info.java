/**
 * Pier's block storage in the API (decision 018): the controllers that make a
 * {@link dev.pier.cloud.volume.VolumeProvider} serve every cell's PersistentVolumeClaims and
 * VolumeAttachments, registered by {@link dev.pier.cloud.storage.BlockStorageSetup}.
 */
package dev.pier.cloud.storage;
