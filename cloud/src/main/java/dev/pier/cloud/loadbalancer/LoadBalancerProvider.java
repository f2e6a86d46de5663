package dev.pier.cloud.loadbalancer;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gives Services of type LoadBalancer an address outside the cluster: a virtual IP whose ports
 * forward to every node on the Service's NodePorts. The default, {@link HaproxyLoadBalancerProvider},
 * runs HAProxy on the local host; a cloud's load balancer would implement the same contract:
 *
 * <ul>
 *   <li>{@link #ensure} makes or changes a load balancer so that it matches the spec and returns
 *       once traffic to its address follows the spec; it is idempotent and keeps the address of a
 *       load balancer it already made under that name;
 *   <li>{@link #delete} leaves nothing of the load balancer behind (its address goes back to the
 *       pool) and is quiet about unknown names;
 *   <li>{@link #close} stops serving every load balancer.
 * </ul>
 *
 * Failures the caller should show its user (an address taken, a protocol not served) are
 * {@link LoadBalancerException}s with a code.
 */
public interface LoadBalancerProvider extends AutoCloseable {

  /** The protocols this provider's frontends can forward; ports of other protocols make {@link #ensure} fail. */
  Set<String> protocols();

  LoadBalancerStatus ensure(LoadBalancerSpec spec);

  void delete(String name);

  /** Every load balancer the provider serves. */
  List<LoadBalancerStatus> list();

  Optional<LoadBalancerStatus> status(String name);

  @Override
  void close();
}
