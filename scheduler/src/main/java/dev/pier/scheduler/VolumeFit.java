package dev.pier.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.resources.Tree;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.NodeMatching;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Pods;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a pod's PersistentVolumeClaims ask of a node, as Kubernetes' VolumeBinding, VolumeRestrictions and
 * NodeVolumeLimits plugins check it: every claim must exist and not be going away; a claim not yet bound
 * must wait for its class to bind it, unless the class waits for the first consumer (this pod), whose
 * node the scheduler then writes on the claim ({@link #claimsToProvision}); a bound volume's node
 * affinity must match the node; a ReadWriteOncePod claim serves one pod; and a node attaches no more
 * volumes of a driver than its CSINode allows.
 */
final class VolumeFit {
    record Claim(ObjectNode claim, Optional<ObjectNode> volume, String driver, boolean waitsForConsumer) {
    }

    private final String cell;
    private final List<Claim> claims = new ArrayList<>();
    private final Informer csiNodes;
    private final Informer claimInformer;
    private final Informer volumeInformer;
    private final Collection<ObjectNode> cellPods;
    private String podProblem;

    private VolumeFit(String cell, Informer claimInformer, Informer volumeInformer, Informer csiNodes, Collection<ObjectNode> cellPods) {
        this.cell = cell;
        this.claimInformer = claimInformer;
        this.volumeInformer = volumeInformer;
        this.csiNodes = csiNodes;
        this.cellPods = cellPods;
    }

    static VolumeFit of(String cell, JsonNode pod, Informer claims, Informer volumes, Informer classes, Informer csiNodes,
                        Collection<ObjectNode> cellPods) {
        VolumeFit fit = new VolumeFit(cell, claims, volumes, csiNodes, cellPods);
        String namespace = Tree.text(pod.path("metadata"), "namespace");
        for (String name : Pods.claimNames(pod)) {
            Optional<ObjectNode> claim = claims.get(new ObjectKey(cell, namespace, name));
            if (claim.isEmpty()) return fit.refuse("persistentvolumeclaim \"" + name + "\" not found");
            if (Owners.isBeingDeleted(claim.get())) return fit.refuse("persistentvolumeclaim \"" + name + "\" is being deleted");
            if (modes(claim.get().path("spec")).contains("ReadWriteOncePod") && usedByAnotherPod(pod, name, cellPods)) {
                return fit.refuse("node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode");
            }
            String volumeName = Tree.text(claim.get().path("spec"), "volumeName");
            if (!volumeName.isEmpty()) {
                Optional<ObjectNode> pv = volumes.get(new ObjectKey(cell, "", volumeName));
                if (pv.isEmpty()) return fit.refuse("persistentvolume \"" + volumeName + "\" not found");
                fit.claims.add(new Claim(claim.get(), pv, Tree.text(pv.get().path("spec").path("csi"), "driver"), false));
                continue;
            }
            String className = Tree.text(claim.get().path("spec"), "storageClassName");
            Optional<ObjectNode> sc = className.isEmpty() ? Optional.empty() : classes.get(new ObjectKey(cell, "", className));
            boolean waits = sc.map(c -> Tree.text(c, "volumeBindingMode").equals("WaitForFirstConsumer")).orElse(false);
            if (!waits) return fit.refuse("pod has unbound immediate PersistentVolumeClaims");
            fit.claims.add(new Claim(claim.get(), Optional.empty(), Tree.text(sc.get(), "provisioner"), true));
        }
        return fit;
    }

    private VolumeFit refuse(String why) {
        podProblem = why;
        return this;
    }

    /** Why no node can take the pod whatever the node, or empty. */
    Optional<String> podProblem() {
        return Optional.ofNullable(podProblem);
    }

    /** Why this node cannot take the pod's volumes, or null. */
    String nodeProblem(NodeInfo n) {
        for (Claim c : claims) {
            JsonNode required = c.volume().map(pv -> pv.path("spec").path("nodeAffinity").path("required")).orElse(null);
            if (required != null && required.isObject() && !matchesAny(required.path("nodeSelectorTerms"), n.node)) {
                return "node(s) had volume node affinity conflict";
            }
        }
        for (String driver : drivers()) {
            long limit = limit(n.name, driver);
            if (limit < 0) continue;
            Set<String> attached = attachedVolumes(n.name, driver);
            int more = 0;
            for (Claim c : claims) {
                if (!c.driver().equals(driver)) continue;
                if (c.volume().isEmpty() || !attached.contains(Tree.text(c.volume().get().path("metadata"), "name"))) more++;
            }
            if (more > 0 && attached.size() + more > limit) return "node(s) exceed max volume count";
        }
        return null;
    }

    private static boolean matchesAny(JsonNode terms, JsonNode node) {
        for (JsonNode term : terms) if (NodeMatching.matchesTerm(term, node)) return true;
        return false;
    }

    /** Claims this pod's node choice decides: the scheduler names the node on them before binding the pod. */
    List<ObjectNode> claimsToProvision() {
        return claims.stream().filter(Claim::waitsForConsumer).map(Claim::claim).toList();
    }

    private Set<String> drivers() {
        Set<String> out = new HashSet<>();
        for (Claim c : claims) if (!c.driver().isEmpty()) out.add(c.driver());
        return out;
    }

    /** The node's limit for the driver from its CSINode, or -1 for none. */
    private long limit(String node, String driver) {
        Optional<ObjectNode> csiNode = csiNodes.get(new ObjectKey(cell, "", node));
        if (csiNode.isEmpty()) return -1;
        for (JsonNode d : csiNode.get().path("spec").path("drivers")) {
            if (Tree.text(d, "name").equals(driver) && d.path("allocatable").has("count")) return d.path("allocatable").path("count").asLong();
        }
        return -1;
    }

    /** Volumes of the driver that unfinished pods on the node use. */
    private Set<String> attachedVolumes(String node, String driver) {
        Set<String> out = new HashSet<>();
        for (ObjectNode pod : cellPods) {
            if (!Tree.text(pod.path("spec"), "nodeName").equals(node) || Pods.isFinished(pod)) continue;
            String namespace = Tree.text(pod.path("metadata"), "namespace");
            for (String name : Pods.claimNames(pod)) {
                claimInformer.get(new ObjectKey(cell, namespace, name))
                        .map(c -> Tree.text(c.path("spec"), "volumeName"))
                        .filter(v -> !v.isEmpty())
                        .flatMap(v -> volumeInformer.get(new ObjectKey(cell, "", v)))
                        .filter(pv -> Tree.text(pv.path("spec").path("csi"), "driver").equals(driver))
                        .ifPresent(pv -> out.add(Tree.text(pv.path("metadata"), "name")));
            }
        }
        return out;
    }

    private static boolean usedByAnotherPod(JsonNode pod, String claim, Collection<ObjectNode> cellPods) {
        String namespace = Tree.text(pod.path("metadata"), "namespace");
        String uid = Owners.uid(pod);
        for (ObjectNode other : cellPods) {
            if (Owners.uid(other).equals(uid) || Pods.isFinished(other)) continue;
            if (Tree.text(other.path("metadata"), "namespace").equals(namespace) && Pods.claimNames(other).contains(claim)) return true;
        }
        return false;
    }



    private static Set<String> modes(JsonNode spec) {
        Set<String> out = new HashSet<>();
        spec.path("accessModes").forEach(m -> out.add(m.asText()));
        return out;
    }
}
