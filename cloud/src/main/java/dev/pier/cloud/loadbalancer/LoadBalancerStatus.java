package dev.pier.cloud.loadbalancer;

/**
 * A load balancer as the provider serves it.
 *
 * @param ip the virtual IP clients connect to
 * @param spec the spec it was last ensured with (what it does now)
 */
public record LoadBalancerStatus(String name, String ip, LoadBalancerSpec spec) {
}
