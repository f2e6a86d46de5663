package dev.pier.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.controllers.runtime.NodeMatching;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Filters and scores nodes for one pod in one cell (the scheduling cycle of Kubernetes' framework, with its
 * default plugins): node name, unschedulable, taints, node affinity, host ports, resources, inter-pod
 * affinity and anti-affinity and topology spread filter; the chosen resource strategy (bin packing by
 * default), preferred node affinity, PreferNoSchedule taints, soft spread score, and Kubernetes' default
 * spreading of a controller's pods across nodes.
 */
final class Placement {
    static final Set<String> HARD_EFFECTS = Set.of("NoSchedule", "NoExecute");

    /** How resource use scores: fullest feasible node first (bin packing) or emptiest first. */
    enum Strategy { MOST_ALLOCATED, LEAST_ALLOCATED }

    /** The outcome: a node, or the reasons every node was refused, counted. */
    record Decision(String node, int nodes, Map<String, Integer> reasons, String podProblem) {
        Decision(String node, int nodes, Map<String, Integer> reasons) {
            this(node, nodes, reasons, null);
        }

        /**
         * Kubernetes' FailedScheduling message: {@code 0/3 nodes are available: 1 ..., 2 Insufficient cpu.}, or with
         * a reason that holds for every node (a missing claim), that reason without counts.
         */
        String message() {
            if (nodes == 0) return "no nodes available to schedule pods";
            List<String> parts = new ArrayList<>();
            if (podProblem != null) parts.add(podProblem);
            else reasons.forEach((reason, count) -> parts.add(count + " " + reason));
            parts.sort(null);
            String base = "0/" + nodes + " nodes are available" + (parts.isEmpty() ? "" : ": " + String.join(", ", parts)) + ".";
            return base + " preemption: 0/" + nodes + " nodes are available: " + nodes + " Preemption is not helpful for scheduling.";
        }
    }

    private final JsonNode pod;
    private final NodeInfo.PodUsage usage;
    private final Supplier<Collection<ObjectNode>> cellPods;
    private final Strategy strategy;
    private VolumeFit volumes;
    private List<ObjectNode> podsCache;

    Placement(JsonNode pod, Supplier<Collection<ObjectNode>> cellPods, Strategy strategy) {
        this.pod = pod;
        this.usage = NodeInfo.PodUsage.of("", pod);
        this.cellPods = cellPods;
        this.strategy = strategy;
    }

    /** Also checks the pod's volumes against each node. */
    Placement withVolumes(VolumeFit fit) {
        this.volumes = fit;
        return this;
    }

    NodeInfo.PodUsage usage() {
        return usage;
    }

    Decision decide(Collection<NodeInfo> nodes, Map<String, NodeInfo> byName) {
        Map<String, Integer> reasons = new HashMap<>();
        if (nodes.isEmpty()) return new Decision(null, 0, reasons);
        if (volumes != null && volumes.podProblem().isPresent()) return new Decision(null, nodes.size(), reasons, volumes.podProblem().get());
        List<NodeInfo> feasible = new ArrayList<>();
        for (NodeInfo n : nodes) {
            List<String> why = filter(n, byName);
            if (why.isEmpty()) feasible.add(n);
            else for (String r : why) reasons.merge(r, 1, Integer::sum);
        }
        if (feasible.isEmpty()) return new Decision(null, nodes.size(), reasons);
        NodeInfo best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        int maxPreferred = 0;
        Map<NodeInfo, Integer> preferred = new HashMap<>();
        for (NodeInfo n : feasible) {
            int p = preferredAffinity(n);
            preferred.put(n, p);
            maxPreferred = Math.max(maxPreferred, p);
        }
        // Kubernetes' default spreading: a pod naming no spread constraints of its own is kept apart from its
        // controller's other pods (a score only), so that one node's loss takes few replicas
        String controller = pod.path("spec").path("topologySpreadConstraints").isEmpty() ? usage.controller() : null;
        int fewestSiblings = feasible.stream().mapToInt(n -> n.podsOf(controller)).min().orElse(0);
        for (NodeInfo n : feasible) {
            double score = resourceScore(n)
                    - 2.0 * 10.0 * (n.podsOf(controller) - fewestSiblings)
                    + 2.0 * (maxPreferred == 0 ? 0 : 100.0 * preferred.get(n) / maxPreferred)
                    + 3.0 * (NodeMatching.untoleratedTaint(pod, n.node, Set.of("PreferNoSchedule")) == null ? 100 : 0)
                    - 2.0 * softSpreadPenalty(n, byName);
            if (score > bestScore || score == bestScore && n.name.compareTo(best.name) < 0) {
                best = n;
                bestScore = score;
            }
        }
        return new Decision(best.name, nodes.size(), reasons);
    }

    // ------------------------------------------------------------------ filters

    private List<String> filter(NodeInfo n, Map<String, NodeInfo> byName) {
        List<String> why = new ArrayList<>();
        JsonNode node = n.node;
        if (node.path("spec").path("unschedulable").asBoolean(false) && !tolerates("node.kubernetes.io/unschedulable")) {
            why.add("node(s) were unschedulable");
            return why;
        }
        JsonNode taint = NodeMatching.untoleratedTaint(pod, node, HARD_EFFECTS);
        if (taint != null) {
            why.add("node(s) had untolerated taint " + NodeMatching.describe(taint));
            return why;
        }
        if (!NodeMatching.matchesRequired(pod, node)) {
            why.add("node(s) didn't match Pod's node affinity/selector");
            return why;
        }
        for (String port : usage.hostPorts()) {
            if (portTaken(n, port)) {
                why.add("node(s) didn't have free ports for the requested pod ports");
                return why;
            }
        }
        if (n.pods + 1 > n.allocatable(Requests.PODS)) why.add("Too many pods");
        usage.requests().forEach((resource, amount) -> {
            if (amount > 0 && n.requested(resource) + amount > n.allocatable(resource)) why.add("Insufficient " + resource);
        });
        if (!why.isEmpty()) return why;
        String volumeProblem = volumes == null ? null : volumes.nodeProblem(n);
        if (volumeProblem != null) why.add(volumeProblem);
        else if (!podAffinityFits(n, byName)) why.add("node(s) didn't match pod affinity rules");
        else if (!podAntiAffinityFits(n, byName)) why.add("node(s) didn't match pod anti-affinity rules");
        else if (!hardSpreadFits(n, byName)) why.add("node(s) didn't match pod topology spread constraints");
        return why;
    }

    private boolean tolerates(String taintKey) {
        for (JsonNode t : pod.path("spec").path("tolerations")) {
            String key = t.path("key").asText("");
            if (t.path("operator").asText("Equal").equals("Exists") && (key.isEmpty() || key.equals(taintKey))) return true;
            if (key.equals(taintKey)) return true;
        }
        return false;
    }

    private static boolean portTaken(NodeInfo n, String wanted) {
        String[] w = wanted.split("/");
        for (String used : n.hostPorts) {
            String[] u = used.split("/");
            if (!u[0].equals(w[0]) || !u[2].equals(w[2])) continue;
            if (u[1].equals(w[1]) || u[1].equals("0.0.0.0") || w[1].equals("0.0.0.0")) return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ inter-pod rules

    private List<ObjectNode> pods() {
        if (podsCache == null) {
            podsCache = new ArrayList<>();
            for (ObjectNode p : cellPods.get()) {
                if (!p.path("spec").path("nodeName").asText("").isEmpty() && dev.pier.controllers.runtime.Pods.isActive(p)) podsCache.add(p);
            }
        }
        return podsCache;
    }

    private static String topology(NodeInfo n, String key) {
        if (n == null || n.node == null) return null;
        JsonNode v = n.node.path("metadata").path("labels").get(key);
        return v == null ? null : v.asText();
    }

    private boolean termMatches(JsonNode term, JsonNode other) {
        String ns = pod.path("metadata").path("namespace").asText();
        JsonNode namespaces = term.path("namespaces");
        String otherNs = other.path("metadata").path("namespace").asText();
        boolean nsOk = namespaces.isEmpty() ? otherNs.equals(ns) : false;
        for (JsonNode n : namespaces) nsOk |= n.asText().equals(otherNs);
        if (!nsOk && !term.has("namespaceSelector")) return false;
        return LabelSelectors.matches(term.path("labelSelector"), other.path("metadata").path("labels"));
    }

    private boolean podAffinityFits(NodeInfo n, Map<String, NodeInfo> byName) {
        JsonNode terms = pod.path("spec").path("affinity").path("podAffinity").path("requiredDuringSchedulingIgnoredDuringExecution");
        for (JsonNode term : terms) {
            String key = term.path("topologyKey").asText();
            String here = topology(n, key);
            if (here == null) return false;
            boolean anyMatch = false;
            boolean sameDomain = false;
            for (ObjectNode other : pods()) {
                if (!termMatches(term, other)) continue;
                anyMatch = true;
                if (here.equals(topology(byName.get(other.path("spec").path("nodeName").asText()), key))) sameDomain = true;
            }
            // the first pod of a group that selects itself may go anywhere
            if (!sameDomain && (anyMatch || !termMatches(term, pod))) return false;
        }
        return true;
    }

    private boolean podAntiAffinityFits(NodeInfo n, Map<String, NodeInfo> byName) {
        JsonNode terms = pod.path("spec").path("affinity").path("podAntiAffinity").path("requiredDuringSchedulingIgnoredDuringExecution");
        for (JsonNode term : terms) {
            String key = term.path("topologyKey").asText();
            String here = topology(n, key);
            if (here == null) continue;
            for (ObjectNode other : pods()) {
                if (termMatches(term, other) && here.equals(topology(byName.get(other.path("spec").path("nodeName").asText()), key))) return false;
            }
        }
        // existing pods' anti-affinity against this pod is honoured too
        for (ObjectNode other : pods()) {
            for (JsonNode term : other.path("spec").path("affinity").path("podAntiAffinity").path("requiredDuringSchedulingIgnoredDuringExecution")) {
                String key = term.path("topologyKey").asText();
                String theirs = topology(byName.get(other.path("spec").path("nodeName").asText()), key);
                if (theirs != null && theirs.equals(topology(n, key))
                        && LabelSelectors.matches(term.path("labelSelector"), pod.path("metadata").path("labels"))) return false;
            }
        }
        return true;
    }

    private boolean hardSpreadFits(NodeInfo n, Map<String, NodeInfo> byName) {
        for (JsonNode c : pod.path("spec").path("topologySpreadConstraints")) {
            if (!c.path("whenUnsatisfiable").asText("DoNotSchedule").equals("DoNotSchedule")) continue;
            if (skew(c, n, byName) > c.path("maxSkew").asInt(1)) return false;
        }
        return true;
    }

    private double softSpreadPenalty(NodeInfo n, Map<String, NodeInfo> byName) {
        double penalty = 0;
        for (JsonNode c : pod.path("spec").path("topologySpreadConstraints")) {
            if (c.path("whenUnsatisfiable").asText().equals("ScheduleAnyway")) penalty += 10.0 * Math.max(skew(c, n, byName), 0);
        }
        return penalty;
    }

    /** The skew placing the pod on {@code n} would give: its domain's matching pods + 1 - the smallest domain's. */
    private int skew(JsonNode constraint, NodeInfo n, Map<String, NodeInfo> byName) {
        String key = constraint.path("topologyKey").asText();
        String here = topology(n, key);
        if (here == null) return Integer.MAX_VALUE;
        Map<String, Integer> counts = new HashMap<>();
        for (NodeInfo other : byName.values()) {
            String d = topology(other, key);
            if (d != null && NodeMatching.matchesRequired(pod, other.node)) counts.putIfAbsent(d, 0);
        }
        JsonNode selector = constraint.path("labelSelector");
        String ns = pod.path("metadata").path("namespace").asText();
        for (ObjectNode other : pods()) {
            if (!other.path("metadata").path("namespace").asText().equals(ns)) continue;
            if (!LabelSelectors.matches(selector, other.path("metadata").path("labels"))) continue;
            String d = topology(byName.get(other.path("spec").path("nodeName").asText()), key);
            if (d != null && counts.containsKey(d)) counts.merge(d, 1, Integer::sum);
        }
        int min = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        return counts.getOrDefault(here, 0) + 1 - min;
    }

    // ------------------------------------------------------------------ scores

    private double resourceScore(NodeInfo n) {
        double cpu = fraction(n.scoringCpu + usage.scoringCpu(), n.allocatable(Requests.CPU));
        double memory = fraction(n.scoringMemory + usage.scoringMemory(), n.allocatable(Requests.MEMORY));
        double used = (cpu + memory) / 2;
        return 100 * (strategy == Strategy.MOST_ALLOCATED ? used : 1 - used);
    }

    private static double fraction(long requested, long allocatable) {
        if (allocatable <= 0) return 0;
        return Math.min((double) requested / allocatable, 1.0);
    }

    private int preferredAffinity(NodeInfo n) {
        int sum = 0;
        for (JsonNode p : pod.path("spec").path("affinity").path("nodeAffinity").path("preferredDuringSchedulingIgnoredDuringExecution")) {
            if (NodeMatching.matchesTerm(p.path("preference"), n.node)) sum += p.path("weight").asInt(0);
        }
        return sum;
    }
}
