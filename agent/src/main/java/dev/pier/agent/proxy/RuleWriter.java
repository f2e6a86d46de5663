package dev.pier.agent.proxy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes kube-proxy's iptables layout for a set of Service ports. One algorithm, in the order packets meet it:
 *
 * <pre>
 * nat PREROUTING, OUTPUT → KUBE-SERVICES
 *   -d clusterIP --dport p        → KUBE-SVC-x (or KUBE-SVL-x with internalTrafficPolicy Local)
 *   -d externalIP/LB IP --dport p → KUBE-EXT-x
 *   last: --dst-type LOCAL        → KUBE-NODEPORTS: --dport nodePort → KUBE-EXT-x
 * KUBE-EXT-x: mark for masquerade (or, with externalTrafficPolicy Local, keep the client's address and
 *             go to KUBE-SVL-x), then KUBE-SVC-x
 * KUBE-SVC-x: mark traffic from outside the pod ranges for masquerade; optional ClientIP affinity
 *             (-m recent); then one rule per endpoint, -m statistic --probability 1/n, 1/(n-1), ..., 1
 * KUBE-SEP-y: a pod reaching itself (hairpin) is marked for masquerade; DNAT to ip:port
 * nat POSTROUTING → KUBE-POSTROUTING: masquerade what is marked 0x4000
 * filter INPUT, FORWARD, OUTPUT: REJECT (ICMP port unreachable: the client sees "connection refused" at
 *             once) for ports without endpoints, in KUBE-SERVICES and KUBE-EXTERNAL-SERVICES
 * </pre>
 */
final class RuleWriter {
    static final String MASQ_MARK = "0x4000";

    private final List<String> podCidrs;
    private final Set<String> natChains = new LinkedHashSet<>();
    private final Set<String> filterChains = new LinkedHashSet<>();
    private final List<String> nat = new ArrayList<>();
    private final List<String> natServices = new ArrayList<>();
    private final List<String> nodePorts = new ArrayList<>();
    private final List<String> filterServices = new ArrayList<>();
    private final List<String> filterExternal = new ArrayList<>();

    private RuleWriter(List<String> podCidrs) {
        this.podCidrs = podCidrs;
    }

    static ProxyTables write(List<ServicePortRules> ports, List<String> podCidrs) {
        RuleWriter w = new RuleWriter(podCidrs);
        for (ServicePortRules port : ports) w.servicePort(port);
        return w.tables();
    }

    private ProxyTables tables() {
        List<String> natOut = new ArrayList<>();
        List<String> fixedNat = List.of(ChainNames.SERVICES, ChainNames.NODE_PORTS, ChainNames.POSTROUTING, ChainNames.MARK_MASQ);
        Set<String> allNat = new LinkedHashSet<>(fixedNat);
        if (podCidrs.size() > 1) allNat.add(ChainNames.MASQ_NON_POD);
        allNat.addAll(natChains);
        for (String chain : allNat) natOut.add(":" + chain + " - [0:0]");
        natOut.add("-A " + ChainNames.POSTROUTING + " -m mark ! --mark " + MASQ_MARK + "/" + MASQ_MARK + " -j RETURN");
        // the mark must not survive into a packet that is re-encapsulated or looped back
        natOut.add("-A " + ChainNames.POSTROUTING + " -j MARK --xor-mark " + MASQ_MARK);
        natOut.add("-A " + ChainNames.POSTROUTING + " -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully");
        natOut.add("-A " + ChainNames.MARK_MASQ + " -j MARK --or-mark " + MASQ_MARK);
        if (podCidrs.size() > 1) {
            for (String cidr : podCidrs) natOut.add("-A " + ChainNames.MASQ_NON_POD + " -s " + cidr + " -j RETURN");
            natOut.add("-A " + ChainNames.MASQ_NON_POD + " -j " + ChainNames.MARK_MASQ);
        }
        natOut.addAll(natServices);
        natOut.add("-A " + ChainNames.SERVICES + " -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\""
                + " -m addrtype --dst-type LOCAL -j " + ChainNames.NODE_PORTS);
        natOut.addAll(nodePorts);
        natOut.addAll(nat);

        List<String> filterOut = new ArrayList<>();
        Set<String> allFilter = new LinkedHashSet<>(List.of(ChainNames.SERVICES, ChainNames.EXTERNAL_SERVICES, ChainNames.FORWARD));
        allFilter.addAll(filterChains);
        for (String chain : allFilter) filterOut.add(":" + chain + " - [0:0]");
        filterOut.addAll(filterServices);
        filterOut.addAll(filterExternal);
        filterOut.add("-A " + ChainNames.FORWARD + " -m comment --comment \"kubernetes forwarding rules\" -m mark --mark "
                + MASQ_MARK + "/" + MASQ_MARK + " -j ACCEPT");
        filterOut.add("-A " + ChainNames.FORWARD + " -m comment --comment \"kubernetes forwarding conntrack rule\""
                + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        return new ProxyTables(allNat, String.join("\n", natOut) + "\n", allFilter, String.join("\n", filterOut) + "\n");
    }

    private void servicePort(ServicePortRules sp) {
        String name = sp.name();
        String proto = sp.protocol();
        String match = " -m " + proto + " -p " + proto;
        String svcChain = ChainNames.service(name, proto);
        String svlChain = ChainNames.serviceLocal(name, proto);
        String extChain = ChainNames.external(name, proto);
        List<ProxyEndpoint> cluster = sp.clusterEndpoints();
        List<ProxyEndpoint> local = sp.localEndpoints();
        boolean hasEndpoints = !cluster.isEmpty();

        // ---- internal traffic: the cluster IP ----
        String internalChain = sp.internalLocal() ? (local.isEmpty() ? null : svlChain) : (hasEndpoints ? svcChain : null);
        String clusterIpMatch = match + " -d " + sp.clusterIp() + "/32 --dport " + sp.port();
        if (internalChain != null) {
            natServices.add("-A " + ChainNames.SERVICES + comment(name + " cluster IP") + clusterIpMatch + " -j " + internalChain);
        } else {
            String why = hasEndpoints ? " has no local endpoints" : " has no endpoints";
            filterServices.add("-A " + ChainNames.SERVICES + comment(name + why) + clusterIpMatch + " -j " + (hasEndpoints ? "DROP" : "REJECT"));
        }

        // ---- external traffic: node ports, load balancer and external IPs ----
        if (sp.external()) {
            // with externalTrafficPolicy Local and no local endpoint, pods and the host still reach cluster endpoints
            if (hasEndpoints) {
                for (String ip : sp.externalIps()) {
                    natServices.add("-A " + ChainNames.SERVICES + comment(name + " external IP") + match + " -d " + ip + "/32 --dport " + sp.port() + " -j " + extChain);
                }
                for (String ip : sp.loadBalancerIps()) {
                    natServices.add("-A " + ChainNames.SERVICES + comment(name + " loadbalancer IP") + match + " -d " + ip + "/32 --dport " + sp.port() + " -j " + extChain);
                }
                if (sp.nodePort() > 0) nodePorts.add("-A " + ChainNames.NODE_PORTS + comment(name) + match + " --dport " + sp.nodePort() + " -j " + extChain);
                externalChain(sp, extChain, svcChain, svlChain, local);
            }
            boolean unreachable = !hasEndpoints || sp.externalLocal() && local.isEmpty();
            if (unreachable) {
                // when traffic was DNATed above, these no longer match: they catch only what no chain took
                String target = hasEndpoints ? " -j DROP" : " -j REJECT";
                String why = hasEndpoints ? " has no local endpoints" : " has no endpoints";
                for (String ip : concat(sp.externalIps(), sp.loadBalancerIps())) {
                    filterExternal.add("-A " + ChainNames.EXTERNAL_SERVICES + comment(name + why) + match + " -d " + ip + "/32 --dport " + sp.port() + target);
                }
                if (sp.nodePort() > 0) {
                    filterExternal.add("-A " + ChainNames.EXTERNAL_SERVICES + comment(name + why) + " -m addrtype --dst-type LOCAL"
                            + match + " --dport " + sp.nodePort() + target);
                }
            }
        }

        // ---- policy chains and endpoint chains ----
        boolean writeCluster = hasEndpoints && (!sp.internalLocal() || sp.external());
        boolean writeLocal = !local.isEmpty() && (sp.internalLocal() || sp.external() && sp.externalLocal());
        if (writeCluster) policyChain(sp, svcChain, cluster, !sp.internalLocal() ? clusterIpMatch : null);
        if (writeLocal) policyChain(sp, svlChain, local, sp.internalLocal() ? clusterIpMatch : null);
        Set<ProxyEndpoint> used = new LinkedHashSet<>();
        if (writeCluster) used.addAll(cluster);
        if (writeLocal) used.addAll(local);
        for (ProxyEndpoint e : used) endpointChain(sp, e);
    }

    private void externalChain(ServicePortRules sp, String extChain, String svcChain, String svlChain, List<ProxyEndpoint> local) {
        String name = sp.name();
        natChains.add(extChain);
        if (!sp.externalLocal()) {
            // endpoints may be on another node: the reply must come back through this one
            nat.add("-A " + extChain + comment("masquerade traffic for " + name + " external destinations") + " -j " + ChainNames.MARK_MASQ);
            nat.add("-A " + extChain + " -j " + svcChain);
            return;
        }
        // pods reaching an external address of a Service go anywhere in the cluster, as if through the load balancer
        for (String cidr : podCidrs) {
            nat.add("-A " + extChain + comment("pod traffic for " + name + " external destinations") + " -s " + cidr + " -j " + svcChain);
        }
        // the host's own traffic has a local source address the endpoint could not answer: masquerade it
        nat.add("-A " + extChain + comment("masquerade LOCAL traffic for " + name + " external destinations")
                + " -m addrtype --src-type LOCAL -j " + ChainNames.MARK_MASQ);
        nat.add("-A " + extChain + comment("route LOCAL traffic for " + name + " external destinations")
                + " -m addrtype --src-type LOCAL -j " + svcChain);
        if (!local.isEmpty()) nat.add("-A " + extChain + " -j " + svlChain);
    }

    /**
     * A KUBE-SVC (or KUBE-SVL) chain: masquerade for clients outside the pod ranges when it serves the cluster
     * IP, ClientIP affinity, then the endpoints with probabilities that make the choice uniform.
     */
    private void policyChain(ServicePortRules sp, String chain, List<ProxyEndpoint> endpoints, String clusterIpMatch) {
        String name = sp.name();
        natChains.add(chain);
        if (clusterIpMatch != null) {
            if (podCidrs.size() == 1) {
                nat.add("-A " + chain + comment(name + " cluster IP") + clusterIpMatch + " ! -s " + podCidrs.getFirst() + " -j " + ChainNames.MARK_MASQ);
            } else {
                nat.add("-A " + chain + comment(name + " cluster IP") + clusterIpMatch + " -j " + ChainNames.MASQ_NON_POD);
            }
        }
        if (sp.affinitySeconds() > 0) {
            for (ProxyEndpoint e : endpoints) {
                String sep = ChainNames.endpoint(name, sp.protocol(), e.address());
                nat.add("-A " + chain + comment(name + " -> " + e.address()) + " -m recent --name " + sep
                        + " --mask 255.255.255.255 --rsource --rcheck --seconds " + sp.affinitySeconds() + " --reap -j " + sep);
            }
        }
        int n = endpoints.size();
        for (int i = 0; i < n; i++) {
            ProxyEndpoint e = endpoints.get(i);
            String sep = ChainNames.endpoint(name, sp.protocol(), e.address());
            String random = i < n - 1 ? " -m statistic --mode random --probability " + probability(n - i) : "";
            nat.add("-A " + chain + comment(name + " -> " + e.address()) + random + " -j " + sep);
        }
    }

    private void endpointChain(ServicePortRules sp, ProxyEndpoint e) {
        String sep = ChainNames.endpoint(sp.name(), sp.protocol(), e.address());
        natChains.add(sep);
        // hairpin: a pod reaching itself through the Service must see the node as the source, or it answers itself
        nat.add("-A " + sep + comment(sp.name()) + " -s " + e.ip() + "/32 -j " + ChainNames.MARK_MASQ);
        String affinity = sp.affinitySeconds() > 0 ? " -m recent --name " + sep + " --mask 255.255.255.255 --rsource --set" : "";
        nat.add("-A " + sep + comment(sp.name()) + affinity + " -m " + sp.protocol() + " -p " + sp.protocol()
                + " -j DNAT --to-destination " + e.address());
    }

    /** kube-proxy's probability text: ten decimals, so that the same endpoints give the same rules. */
    static String probability(int remaining) {
        return String.format(Locale.ROOT, "%.10f", 1.0 / remaining);
    }

    private static String comment(String text) {
        return " -m comment --comment \"" + text.replace("\"", "") + "\"";
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
