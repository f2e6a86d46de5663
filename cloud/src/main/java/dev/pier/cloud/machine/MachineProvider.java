package dev.pier.cloud.machine;

import java.util.List;
import java.util.Optional;

/**
 * Makes and removes the machines a cluster's nodes run on. The default,
 * {@link LocalMachineProvider}, makes them on the local host; other providers (VMs in a cloud)
 * implement the same contract:
 *
 * <ul>
 *   <li>{@link #create} returns once the machine's container runtime answers; it is idempotent,
 *       and on a stopped machine brings it back with its data;
 *   <li>{@link #delete} leaves nothing of the machine behind and is quiet about unknown names;
 *   <li>{@link #close} stops every machine but keeps their data for a later {@link #create}.
 * </ul>
 */
public interface MachineProvider extends AutoCloseable {

  Machine create(MachineSpec spec);

  void delete(String name);

  /** Every machine the provider knows, running or stopped. */
  List<Machine> list();

  Optional<MachineStatus> status(String name);

  @Override
  void close();
}
