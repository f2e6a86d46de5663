package dev.pier.agent.kubelet;

import dev.pier.agent.cri.DnsConfig;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A pod's resolv.conf as the kubelet makes it from {@code dnsPolicy}: ClusterFirst pods (and
 * ClusterFirstWithHostNet ones) ask the cluster DNS with the search path {@code <ns>.svc.<domain>
 * svc.<domain> <domain>} and {@code ndots:5}; Default pods (and ClusterFirst ones on the host's network) use
 * the node's resolv.conf; None pods get their {@code dnsConfig} alone, which the others append.
 */
final class PodDns {
    private static final Logger LOG = LoggerFactory.getLogger(PodDns.class);
    /** The kubelet's limits: glibc reads three nameservers, and at most 32 search domains are kept. */
    private static final int MAX_SERVERS = 3;
    private static final int MAX_SEARCHES = 32;

    private PodDns() {
    }

    static DnsConfig of(Pod pod, AgentConfig config) {
        String policy = pod.getSpec().getDnsPolicy() == null ? "ClusterFirst" : pod.getSpec().getDnsPolicy();
        boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
        PodDNSConfig extra = pod.getSpec().getDnsConfig();
        boolean cluster = !config.clusterDns().isEmpty()
                && (policy.equals("ClusterFirstWithHostNet") || (policy.equals("ClusterFirst") && !hostNetwork));
        DnsConfig base;
        if (policy.equals("None")) {
            base = DnsConfig.NODE_DEFAULT;
        } else if (cluster) {
            String ns = pod.getMetadata().getNamespace();
            String domain = config.clusterDomain();
            List<String> searches = new ArrayList<>(List.of(ns + ".svc." + domain, "svc." + domain, domain));
            searches.addAll(node(config.resolvConf()).searches());
            base = new DnsConfig(config.clusterDns(), searches, List.of("ndots:5"));
        } else if (extra == null) {
            return DnsConfig.NODE_DEFAULT; // the runtime copies the node's file as it is
        } else {
            base = node(config.resolvConf());
        }
        return extra == null ? limit(base) : limit(append(base, extra));
    }

    private static DnsConfig append(DnsConfig base, PodDNSConfig extra) {
        List<String> servers = new ArrayList<>(base.servers());
        if (extra.getNameservers() != null) servers.addAll(extra.getNameservers());
        List<String> searches = new ArrayList<>(base.searches());
        if (extra.getSearches() != null) searches.addAll(extra.getSearches());
        // an option the pod names replaces the base's option of that name
        Map<String, String> options = new LinkedHashMap<>();
        for (String o : base.options()) options.put(o.split(":", 2)[0], o);
        if (extra.getOptions() != null) {
            extra.getOptions().forEach(o -> options.put(o.getName(), o.getValue() == null ? o.getName() : o.getName() + ":" + o.getValue()));
        }
        return new DnsConfig(List.copyOf(new LinkedHashSet<>(servers)), List.copyOf(new LinkedHashSet<>(searches)), List.copyOf(options.values()));
    }

    private static DnsConfig limit(DnsConfig c) {
        List<String> servers = c.servers().size() > MAX_SERVERS ? c.servers().subList(0, MAX_SERVERS) : c.servers();
        List<String> searches = c.searches().size() > MAX_SEARCHES ? c.searches().subList(0, MAX_SEARCHES) : c.searches();
        return new DnsConfig(servers, searches, c.options());
    }

    /** The node's nameservers, search domains and options; none when the file is missing. */
    static DnsConfig node(Path resolvConf) {
        List<String> servers = new ArrayList<>();
        List<String> searches = new ArrayList<>();
        List<String> options = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(resolvConf);
        } catch (NoSuchFileException e) {
            return DnsConfig.NODE_DEFAULT;
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", resolvConf, e.toString());
            return DnsConfig.NODE_DEFAULT;
        }
        for (String line : lines) {
            String[] f = line.replaceAll("[#;].*", "").trim().split("\\s+");
            if (f.length < 2) continue;
            List<String> values = List.of(f).subList(1, f.length);
            switch (f[0]) {
                case "nameserver" -> servers.add(f[1]);
                // the last search (or domain) line wins, as in glibc
                case "search", "domain" -> {
                    searches.clear();
                    searches.addAll(values);
                }
                case "options" -> options.addAll(values);
                default -> { }
            }
        }
        return new DnsConfig(servers, searches, options);
    }
}
