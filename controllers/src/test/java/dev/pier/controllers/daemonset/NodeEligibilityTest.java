package dev.pier.controllers.daemonset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.pier.controllers.daemonset.Daemons.ds;
import static dev.pier.controllers.daemonset.Daemons.node;
import static org.assertj.core.api.Assertions.assertThat;

class NodeEligibilityTest {
    private static final NodeEligibility.Verdict RUN = new NodeEligibility.Verdict(true, true);
    private static final NodeEligibility.Verdict STAY_ONLY = new NodeEligibility.Verdict(false, true);
    private static final NodeEligibility.Verdict NEVER = new NodeEligibility.Verdict(false, false);

    @Test
    void everyNodeByDefault() {
        assertThat(new NodeEligibility(ds()).check(node("n1", Map.of()))).isEqualTo(RUN);
    }

    @Test
    void nodeSelectorAndRequiredAffinityChooseNodes() {
        ObjectNode ds = ds();
        ds.withObject("/spec/template/spec").putObject("nodeSelector").put("disk", "ssd");
        NodeEligibility rules = new NodeEligibility(ds);
        assertThat(rules.check(node("n1", Map.of("disk", "ssd")))).isEqualTo(RUN);
        assertThat(rules.check(node("n2", Map.of("disk", "hdd")))).isEqualTo(NEVER);

        ObjectNode affine = ds();
        ObjectNode expr = affine.withObject("/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution")
                .putArray("nodeSelectorTerms").addObject().putArray("matchExpressions").addObject();
        expr.put("key", "zone").put("operator", "In").putArray("values").add("a").add("b");
        assertThat(new NodeEligibility(affine).check(node("n1", Map.of("zone", "b")))).isEqualTo(RUN);
        assertThat(new NodeEligibility(affine).check(node("n2", Map.of("zone", "c")))).isEqualTo(NEVER);
    }

    @Test
    void taintsKeepPodsOffUnlessTolerated() {
        NodeEligibility rules = new NodeEligibility(ds());
        assertThat(rules.check(node("n1", Map.of(), "dedicated=db:NoSchedule")))
                .as("a pod already there may stay after a NoSchedule taint").isEqualTo(STAY_ONLY);
        assertThat(rules.check(node("n1", Map.of(), "dedicated=db:NoExecute"))).isEqualTo(NEVER);
        assertThat(rules.check(node("n1", Map.of(), "dedicated=db:PreferNoSchedule"))).isEqualTo(RUN);

        ObjectNode tolerant = ds();
        tolerant.withObject("/spec/template/spec").putArray("tolerations").addObject()
                .put("key", "dedicated").put("operator", "Equal").put("value", "db").put("effect", "NoSchedule");
        assertThat(new NodeEligibility(tolerant).check(node("n1", Map.of(), "dedicated=db:NoSchedule"))).isEqualTo(RUN);
    }

    @Test
    void daemonPodsTolerateNodeTroubleAndCordons() {
        NodeEligibility rules = new NodeEligibility(ds());
        for (String taint : new String[]{"node.kubernetes.io/not-ready=:NoExecute", "node.kubernetes.io/unreachable=:NoExecute",
                "node.kubernetes.io/disk-pressure=:NoSchedule", "node.kubernetes.io/memory-pressure=:NoSchedule",
                "node.kubernetes.io/pid-pressure=:NoSchedule", "node.kubernetes.io/unschedulable=:NoSchedule"}) {
            assertThat(rules.check(node("n1", Map.of(), taint))).as(taint).isEqualTo(RUN);
        }
        assertThat(rules.check(node("n1", Map.of(), "node.kubernetes.io/network-unavailable=:NoSchedule")))
                .as("only host-network pods tolerate a missing pod network").isEqualTo(STAY_ONLY);
    }

    @Test
    void aTemplateNodeNamePinsTheDaemonSet() {
        ObjectNode ds = ds();
        ds.withObject("/spec/template/spec").put("nodeName", "n2");
        assertThat(new NodeEligibility(ds).check(node("n1", Map.of()))).isEqualTo(NEVER);
        assertThat(new NodeEligibility(ds).check(node("n2", Map.of()))).isEqualTo(RUN);
    }
}
