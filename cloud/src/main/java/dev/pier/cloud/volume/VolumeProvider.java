package dev.pier.cloud.volume;

import java.util.List;
import java.util.Optional;

/**
 * Makes block volumes and attaches them to machines, for PersistentVolumes (decision 018). The
 * default, {@link LoopVolumeProvider}, keeps each volume as a sparse file on the local host and
 * attaches it as a loop device; a cloud's block storage (its disks and their attachments) would
 * implement the same contract:
 *
 * <ul>
 *   <li>{@link #create} makes a blank volume (never formatted: that is the node's job) and is
 *       idempotent by {@link VolumeSpec#name()}: asked again for a name it has, it returns that
 *       volume, so a caller that crashed mid-way finds what it made;
 *   <li>{@link #delete} removes a volume and its data, is quiet about unknown ids, and refuses
 *       ({@link VolumeException.Code#IN_USE}) while the volume is attached;
 *   <li>{@link #attach} gives a machine the volume as a block device and returns the volume with
 *       its {@link Volume.Attachment#devicePath()}; it is idempotent for the same machine and refuses
 *       ({@link VolumeException.Code#ATTACHED_ELSEWHERE}) while another machine has it;
 *   <li>{@link #detach} takes the device away again and is quiet when the volume is not attached
 *       to that machine (or not at all, or unknown);
 *   <li>{@link #expand} grows a volume (an attached one's device sees the new size at once) and
 *       refuses ({@link VolumeException.Code#SHRINK}) to make it smaller;
 *   <li>what {@link #get} and {@link #list} report is the provider's truth at the time of the call
 *       (for a cloud: its API; for loop devices: the kernel), never only what this instance
 *       remembers, so a new instance after a restart or a crash answers correctly;
 *   <li>{@link #close} lets go of the volumes' attachments where the provider holds them for the
 *       machines itself (loop devices on this host) and keeps every volume and its data.
 * </ul>
 *
 * Every method may be called from several threads at once. Failures the caller should show its user
 * are {@link VolumeException}s with a code.
 */
public interface VolumeProvider extends AutoCloseable {

  Volume create(VolumeSpec spec);

  void delete(String id);

  /** @param machine the machine's name, which is its node's name */
  Volume attach(String id, String machine);

  void detach(String id, String machine);

  /**
   * Grows the volume to at least {@code newSizeBytes} (a provider may round up, as at create); the
   * same size again is no change.
   */
  Volume expand(String id, long newSizeBytes);

  /** Every volume the provider has, attached or not. */
  List<Volume> list();

  Optional<Volume> get(String id);

  @Override
  void close();
}
