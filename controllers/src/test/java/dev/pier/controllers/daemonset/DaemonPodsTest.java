package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.pier.controllers.daemonset.Daemons.ds;
import static org.assertj.core.api.Assertions.assertThat;

class DaemonPodsTest {
    @Test
    void theTemplateGetsDaemonTolerationsAndRevisionLabels() {
        ObjectNode ds = ds();
        ds.withObject("/spec/template/spec").putArray("tolerations").addObject()
                .put("key", "node.kubernetes.io/unreachable").put("operator", "Exists").put("effect", "NoExecute").put("tolerationSeconds", 30);
        ObjectNode template = DaemonPods.template(ds, "abc");
        List<String> keys = new ArrayList<>();
        for (JsonNode t : template.at("/spec/tolerations")) keys.add(t.path("key").asText() + ":" + t.path("effect").asText());
        assertThat(keys).containsExactly("node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/not-ready:NoExecute",
                "node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/memory-pressure:NoSchedule",
                "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule");
        assertThat(template.at("/spec/tolerations/0").has("tolerationSeconds")).as("a daemon pod is never evicted for this").isFalse();
        assertThat(template.at("/metadata/labels/controller-revision-hash").asText()).isEqualTo("abc");
        assertThat(template.at("/metadata/labels/pod-template-generation").asText()).isEqualTo("1");
        assertThat(ds.at("/spec/template/spec/tolerations").size()).as("the DaemonSet itself is untouched").isEqualTo(1);
    }

    @Test
    void aPodIsPinnedToItsNodeByAffinityForTheSchedulerToBind() {
        ObjectNode ds = ds();
        ObjectNode expr = ds.withObject("/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution")
                .putArray("nodeSelectorTerms").addObject().putArray("matchExpressions").addObject();
        expr.put("key", "zone").put("operator", "In").putArray("values").add("a");
        ObjectNode pod = DaemonPods.podFor(ds, DaemonPods.template(ds, "abc"), "n7");
        assertThat(pod.at("/metadata/generateName").asText()).isEqualTo("agent-");
        assertThat(pod.at("/spec/nodeName").isMissingNode()).isTrue();
        assertThat(pod.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution").toString())
                .as("the controller already checked the template's terms; the pod's only term names its node")
                .isEqualTo("{\"nodeSelectorTerms\":[{\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\",\"values\":[\"n7\"]}]}]}");
        assertThat(pod.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("DaemonSet");
        assertThat(DaemonPods.targetNode(pod)).isEqualTo("n7");
        pod.withObject("/spec").put("nodeName", "n8");
        assertThat(DaemonPods.targetNode(pod)).as("once bound, the binding wins").isEqualTo("n8");
    }

    @Test
    void aPodIsUpToDateByHashOrByTemplateGeneration() {
        ObjectNode pod = Daemons.pod("p", "n1", "h1", true);
        assertThat(DaemonPods.isUpdated(pod, "h1", null)).isTrue();
        assertThat(DaemonPods.isUpdated(pod, "h2", null)).isFalse();
        pod.withObject("/metadata/labels").put("pod-template-generation", "3");
        assertThat(DaemonPods.isUpdated(pod, "h2", "3")).isTrue();
    }
}
