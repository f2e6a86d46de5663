package dev.pier.agent.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the Service proxy of one node needs to know besides Services and EndpointSlices.
 *
 * @param nodeName       this node's name, to tell its own endpoints (for the Local traffic policies)
 * @param nodeIp         the node's address (node ports are opened on every local address; this one is logged)
 * @param serviceCidr    the cluster's Service range, e.g. 10.96.0.0/12
 * @param podCidrs       the cluster's pod ranges: traffic from outside them is masqueraded on its way to a Service
 * @param minSyncPeriod  at most one sync per this period: a burst of changes is one sync (kube-proxy's minSyncPeriod)
 * @param syncPeriod     a full sync at least this often, repairing rules someone else changed
 * @param commandPrefix  run before every iptables command: empty in the agent (it runs in the node's network
 *                       namespace), {@code nsenter --net=/run/netns/X} in tests
 */
public record ProxyConfig(String nodeName, String nodeIp, String serviceCidr, List<String> podCidrs,
                          Duration minSyncPeriod, Duration syncPeriod, List<String> commandPrefix) {
    public ProxyConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(nodeIp, "nodeIp");
        Objects.requireNonNull(serviceCidr, "serviceCidr");
        podCidrs = List.copyOf(podCidrs);
        if (podCidrs.isEmpty()) throw new IllegalArgumentException("podCidrs must name at least one pod range");
        if (minSyncPeriod.isNegative()) throw new IllegalArgumentException("minSyncPeriod was negative: " + minSyncPeriod);
        if (syncPeriod.compareTo(minSyncPeriod) < 0) {
            throw new IllegalArgumentException("syncPeriod " + syncPeriod + " is shorter than minSyncPeriod " + minSyncPeriod);
        }
        commandPrefix = List.copyOf(commandPrefix);
    }

    /** The agent's configuration: 200 ms between syncs at most, a full resync every 30 s, commands run as is. */
    public static ProxyConfig of(String nodeName, String nodeIp, String serviceCidr, List<String> podCidrs) {
        return new ProxyConfig(nodeName, nodeIp, serviceCidr, podCidrs, Duration.ofMillis(200), Duration.ofSeconds(30), List.of());
    }

    public ProxyConfig withCommandPrefix(List<String> prefix) {
        return new ProxyConfig(nodeName, nodeIp, serviceCidr, podCidrs, minSyncPeriod, syncPeriod, prefix);
    }
}
