package dev.pier.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PlacementTest {
    private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
    private final List<ObjectNode> pods = new ArrayList<>();

    private NodeInfo node(String name, String cpu, String memory, Map<String, String> labels) {
        ObjectNode n = Json.object();
        ObjectNode meta = n.putObject("metadata").put("name", name);
        ObjectNode l = meta.putObject("labels").put("kubernetes.io/hostname", name);
        labels.forEach(l::put);
        n.putObject("status").putObject("allocatable").put("cpu", cpu).put("memory", memory).put("pods", "110");
        NodeInfo info = new NodeInfo(name);
        info.setNode(n);
        nodes.put(name, info);
        return info;
    }

    private static ObjectNode pod(String name, String cpu) {
        ObjectNode p = Json.object();
        p.putObject("metadata").put("name", name).put("namespace", "default").put("uid", name).putObject("labels").put("app", "x");
        ObjectNode c = p.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "i");
        if (cpu != null) c.putObject("resources").putObject("requests").put("cpu", cpu).put("memory", "100Mi");
        return p;
    }

    private Placement.Decision place(ObjectNode pod, Placement.Strategy strategy) {
        return new Placement(pod, () -> pods, strategy).decide(nodes.values(), nodes);
    }

    private void bind(ObjectNode pod, String node) {
        pod.withObject("spec").put("nodeName", node);
        nodes.get(node).add(NodeInfo.PodUsage.of(node, pod), 1);
        pods.add(pod);
    }

    @Test
    void binPackingPrefersTheFullestFeasibleNode() {
        node("a", "4", "8Gi", Map.of());
        node("b", "4", "8Gi", Map.of());
        bind(pod("p0", "2"), "b");
        assertThat(place(pod("p1", "1"), Placement.Strategy.MOST_ALLOCATED).node()).isEqualTo("b");
        assertThat(place(pod("p1", "1"), Placement.Strategy.LEAST_ALLOCATED).node()).isEqualTo("a");
        // b cannot take 3 more cpus: the emptier node is the only feasible one
        assertThat(place(pod("p2", "3"), Placement.Strategy.MOST_ALLOCATED).node()).isEqualTo("a");
    }

    @Test
    void refusalsAreCountedPerReasonInKubernetesWords() {
        node("a", "1", "8Gi", Map.of());
        node("b", "1", "8Gi", Map.of());
        node("c", "8", "8Gi", Map.of("zone", "z2"));
        ObjectNode pod = pod("big", "4");
        pod.withObject("spec").putObject("nodeSelector").put("zone", "z1");
        Placement.Decision d = place(pod, Placement.Strategy.MOST_ALLOCATED);
        assertThat(d.node()).isNull();
        assertThat(d.message()).isEqualTo("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. "
                + "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
        pod.withObject("spec").remove("nodeSelector");
        assertThat(place(pod, Placement.Strategy.MOST_ALLOCATED).node()).isEqualTo("c");
        pod.withObject("spec").putObject("nodeSelector").put("zone", "z2");
        ObjectNode small = pod("small", "2");
        small.withObject("spec").putObject("nodeSelector").put("kubernetes.io/hostname", "a");
        assertThat(place(small, Placement.Strategy.MOST_ALLOCATED).message()).isEqualTo("0/3 nodes are available: 1 Insufficient cpu, "
                + "2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
        ObjectNode huge = pod("huge", "16");
        assertThat(place(huge, Placement.Strategy.MOST_ALLOCATED).message()).startsWith("0/3 nodes are available: 3 Insufficient cpu.");
    }

    @Test
    void taintsNeedTolerations() {
        NodeInfo a = node("a", "4", "8Gi", Map.of());
        ((ObjectNode) a.node.path("metadata").path("labels")).put("x", "y");
        ((ObjectNode) a.node).putObject("spec").putArray("taints").addObject().put("key", "gpu").put("value", "true").put("effect", "NoSchedule");
        ObjectNode pod = pod("p", "1");
        Placement.Decision d = place(pod, Placement.Strategy.MOST_ALLOCATED);
        assertThat(d.message()).contains("1 node(s) had untolerated taint {gpu: true}");
        pod.withObject("spec").putArray("tolerations").addObject().put("key", "gpu").put("operator", "Exists");
        assertThat(place(pod, Placement.Strategy.MOST_ALLOCATED).node()).isEqualTo("a");
    }

    @Test
    void antiAffinityAndSpreadKeepReplicasApart() {
        node("a", "4", "8Gi", Map.of("zone", "z1"));
        node("b", "4", "8Gi", Map.of("zone", "z2"));
        bind(pod("first", "1"), "a");
        ObjectNode pod = pod("second", "1");
        ObjectNode term = pod.withObject("spec").putObject("affinity").putObject("podAntiAffinity")
                .putArray("requiredDuringSchedulingIgnoredDuringExecution").addObject();
        term.put("topologyKey", "kubernetes.io/hostname");
        term.putObject("labelSelector").putObject("matchLabels").put("app", "x");
        // bin packing alone would choose a; anti-affinity forbids it
        assertThat(place(pod, Placement.Strategy.MOST_ALLOCATED).node()).isEqualTo("b");

        ObjectNode spread = pod("third", "1");
        ObjectNode c = spread.withObject("spec").putArray("topologySpreadConstraints").addObject();
        c.put("maxSkew", 1).put("topologyKey", "zone").put("whenUnsatisfiable", "DoNotSchedule");
        c.putObject("labelSelector").putObject("matchLabels").put("app", "x");
        bind(pod("fourth", "1"), "a");
        assertThat(place(spread, Placement.Strategy.MOST_ALLOCATED).node()).isEqualTo("b");
    }

    @Test
    void hostPortsAndPodCountLimitFit() {
        node("a", "4", "8Gi", Map.of());
        ObjectNode web = pod("web", null);
        ((ObjectNode) web.at("/spec/containers/0")).putArray("ports").addObject().put("containerPort", 80).put("hostPort", 8080);
        bind(web, "a");
        ObjectNode other = web.deepCopy();
        ((ObjectNode) other.path("metadata")).put("name", "web2").put("uid", "web2");
        ((ObjectNode) other.path("spec")).remove("nodeName");
        assertThat(place(other, Placement.Strategy.MOST_ALLOCATED).message())
                .contains("1 node(s) didn't have free ports for the requested pod ports");
    }
}
