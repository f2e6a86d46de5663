package dev.pier.agent.proxy;

import java.util.List;

/**
 * One port of one Service, with everything its rules depend on: kube-proxy's ServicePort with its endpoints.
 *
 * @param name              {@code namespace/service:port}, kube-proxy's ServicePortName (":port" only when named)
 * @param protocol          lower case: tcp, udp or sctp
 * @param clusterIp         null for headless Services
 * @param nodePort          0 when none
 * @param externalIps       spec.externalIPs and status.loadBalancer.ingress IPs: reached from inside the cluster
 * @param affinitySeconds   sessionAffinity ClientIP timeout; 0 for no affinity
 * @param endpoints         sorted by address, so that rules are stable from sync to sync
 */
record ServicePortRules(String name, String protocol, String clusterIp, int port, int nodePort,
                        List<String> loadBalancerIps, List<String> externalIps, int affinitySeconds,
                        boolean externalLocal, boolean internalLocal, List<ProxyEndpoint> endpoints) {

    /** Whether traffic from outside the cluster's Service IPs reaches this port (node port, LB or external IPs). */
    boolean external() {
        return nodePort > 0 || !loadBalancerIps.isEmpty() || !externalIps.isEmpty();
    }

    /**
     * The endpoints cluster-wide traffic goes to: the ready ones, or when none is ready the serving ones that
     * are terminating (kube-proxy's fallback, so that a rolling update's last pods still answer).
     */
    List<ProxyEndpoint> clusterEndpoints() {
        return usable(endpoints);
    }

    /** The same choice among this node's endpoints, for the Local traffic policies. */
    List<ProxyEndpoint> localEndpoints() {
        return usable(endpoints.stream().filter(ProxyEndpoint::local).toList());
    }

    private static List<ProxyEndpoint> usable(List<ProxyEndpoint> all) {
        List<ProxyEndpoint> ready = all.stream().filter(ProxyEndpoint::ready).toList();
        if (!ready.isEmpty()) return ready;
        return all.stream().filter(e -> e.serving() && e.terminating()).toList();
    }
}
