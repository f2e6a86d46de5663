package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimRetentionTest {
    private static ObjectNode set(String whenDeleted, String whenScaled) {
        ObjectNode set = Sets.set(2, "OrderedReady");
        set.withObject("/spec").putObject("persistentVolumeClaimRetentionPolicy").put("whenDeleted", whenDeleted).put("whenScaled", whenScaled);
        return set;
    }

    private static ObjectNode claim() {
        ObjectNode claim = Json.object();
        claim.putObject("metadata").put("name", "www-web-0");
        return claim;
    }

    private static List<String> owners(JsonNode refs) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : refs) out.add(r.path("kind").asText() + "/" + r.path("name").asText() + (r.path("controller").asBoolean() ? " (controller)" : ""));
        return out;
    }

    @Test
    void retainLeavesClaimsWithoutOwners() {
        ObjectNode set = set("Retain", "Retain");
        assertThat(ClaimRetention.upToDate(claim(), set, Sets.running(0, "r1"))).isTrue();
        ObjectNode owned = claim();
        owned.withObject("/metadata").set("ownerReferences", ClaimRetention.ownerReferences(claim(), set("Delete", "Retain"), Sets.running(0, "r1")));
        assertThat(ClaimRetention.upToDate(owned, set, Sets.running(0, "r1"))).as("a policy changed back to Retain drops the set").isFalse();
        assertThat(ClaimRetention.ownerReferences(owned, set, Sets.running(0, "r1"))).isEmpty();
    }

    @Test
    void deleteWhenDeletedMakesTheSetControlClaimsOfPodsInRange() {
        ObjectNode set = set("Delete", "Retain");
        assertThat(ClaimRetention.upToDate(claim(), set, Sets.running(0, "r1"))).isFalse();
        assertThat(owners(ClaimRetention.ownerReferences(claim(), set, Sets.running(0, "r1")))).containsExactly("StatefulSet/web (controller)");
    }

    @Test
    void deleteWhenScaledMakesAScaledDownPodControlItsClaims() {
        ObjectNode set = set("Delete", "Delete");
        ObjectNode inRange = Sets.running(1, "r1");
        ObjectNode condemned = Sets.running(2, "r1");
        assertThat(owners(ClaimRetention.ownerReferences(claim(), set, inRange))).containsExactly("StatefulSet/web (controller)");
        assertThat(owners(ClaimRetention.ownerReferences(claim(), set, condemned))).containsExactly("Pod/web-2 (controller)");
        ObjectNode moved = claim();
        moved.withObject("/metadata").set("ownerReferences", ClaimRetention.ownerReferences(claim(), set, condemned));
        assertThat(ClaimRetention.upToDate(moved, set, condemned)).isTrue();
    }

    @Test
    void aClaimStillOwnedByAnEarlierPodOfTheSameNameIsStale() {
        ObjectNode claim = claim();
        claim.withObject("/metadata").putArray("ownerReferences").addObject()
                .put("apiVersion", "v1").put("kind", "Pod").put("name", "web-0").put("uid", "gone").put("controller", true);
        assertThat(ClaimRetention.staleForNewPod(claim, "web-0")).isTrue();
        assertThat(ClaimRetention.staleForNewPod(claim(), "web-0")).isFalse();
        assertThat(ClaimRetention.upToDate(claim, set("Delete", "Delete"), Sets.running(0, "r1")))
                .as("left for the garbage collector").isTrue();
    }
}
