package dev.pier.cloud.service;

import dev.pier.cloud.loadbalancer.LoadBalancerProvider;
import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.WorkQueue;

/**
 * Adds the service controller of every cell to a controller manager (it shares its informers and
 * event recorder), with the load balancer provider it drives. Call before
 * {@link ControllerManager#start}; the caller owns the provider and closes it after the manager.
 */
public final class ServiceLoadBalancerSetup {
  /** The field manager of the controller's writes, as Kubernetes' cloud controller manager writes. */
  public static final String FIELD_MANAGER = "cloud-controller-manager";

  private ServiceLoadBalancerSetup() {}

  public static void register(ControllerManager manager, LoadBalancerProvider provider) {
    WorkQueue<ObjectKey> queue = manager.queue("service");
    var controller = ServiceLoadBalancerController.create(manager.client(FIELD_MANAGER), manager.informer("", "v1", "services"),
        manager.informer("", "v1", "nodes"), manager.events(), queue, provider);
    // two workers: a provider change (an HAProxy reload) takes a while, and one Service's must not hold up the others'
    manager.add("service-lb", queue, controller, 2);
  }
}
