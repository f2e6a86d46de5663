package dev.pier.controllers.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RolloutMathTest {
    private static ObjectNode deployment(int replicas, Object surge, Object unavailable) {
        ObjectNode d = Json.object();
        ObjectNode spec = d.putObject("spec");
        spec.put("replicas", replicas);
        ObjectNode ru = spec.putObject("strategy").put("type", "RollingUpdate").putObject("rollingUpdate");
        if (surge instanceof Integer i) ru.put("maxSurge", i); else ru.put("maxSurge", (String) surge);
        if (unavailable instanceof Integer i) ru.put("maxUnavailable", i); else ru.put("maxUnavailable", (String) unavailable);
        return d;
    }

    @Test
    void percentagesRoundSurgeUpAndUnavailableDown() {
        assertThat(RolloutMath.limits(deployment(10, "25%", "25%"))).isEqualTo(new RolloutMath.Limits(3, 2));
        assertThat(RolloutMath.limits(deployment(3, "25%", "25%"))).isEqualTo(new RolloutMath.Limits(1, 0));
        assertThat(RolloutMath.limits(deployment(3, 0, 0))).as("both zero: one may be unavailable").isEqualTo(new RolloutMath.Limits(0, 1));
        assertThat(RolloutMath.limits(deployment(4, 2, "50%"))).isEqualTo(new RolloutMath.Limits(2, 2));
    }

    @Test
    void newReplicaSetGrowsWithinTheSurge() {
        // 3 desired, surge 1: with 3 old pods the new set may have 1
        assertThat(RolloutMath.newReplicaSetReplicas(3, 1, 3, 0)).isEqualTo(1);
        // already at 4 in total: no more
        assertThat(RolloutMath.newReplicaSetReplicas(3, 1, 4, 1)).isEqualTo(1);
        // old ones gone: up to the desired count, never past it
        assertThat(RolloutMath.newReplicaSetReplicas(3, 1, 1, 1)).isEqualTo(3);
    }

    @Test
    void resizesSpreadInProportion() {
        // two sets of 5 sized for 10 (+2 surge = 12 max each), deployment goes to 20: each gains its share
        int first = RolloutMath.proportion(5, 12, 20, 2, 12, 0);
        int second = RolloutMath.proportion(5, 12, 20, 2, 12, first);
        assertThat(first + second).isLessThanOrEqualTo(12);
        assertThat(first).isPositive();
        // scaling to zero removes everything
        assertThat(RolloutMath.proportion(5, 12, 0, 0, -10, 0)).isEqualTo(-5);
    }
}
