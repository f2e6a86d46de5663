package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OrdinalsTest {
    @Test
    void podNamesEndInTheirOrdinal() {
        assertThat(Ordinals.of("web-0")).isZero();
        assertThat(Ordinals.of("web-12")).isEqualTo(12);
        assertThat(Ordinals.of("my-db-3")).isEqualTo(3);
        assertThat(Ordinals.parent("my-db-3")).isEqualTo("my-db");
        assertThat(Ordinals.of("web")).isEqualTo(-1);
        assertThat(Ordinals.of("web-")).isEqualTo(-1);
        assertThat(Ordinals.of("web-x1")).isEqualTo(-1);
        assertThat(Ordinals.of("web-99999999999")).as("too large for an int").isEqualTo(-1);
        assertThat(Ordinals.parent("web-abc")).isEmpty();
    }

    @Test
    void membersAndClaimsAreNamedAfterTheSet() {
        ObjectNode set = Json.object();
        set.putObject("metadata").put("name", "web");
        set.putObject("spec").put("replicas", 3);
        ObjectNode pod = Json.object();
        pod.putObject("metadata").put("name", "web-2");
        assertThat(Ordinals.isMember(set, pod)).isTrue();
        pod.withObject("/metadata").put("name", "webby-2");
        assertThat(Ordinals.isMember(set, pod)).isFalse();
        assertThat(Ordinals.podName(set, 1)).isEqualTo("web-1");
        assertThat(Ordinals.claimName(set, "www", 1)).isEqualTo("www-web-1");
    }

    @Test
    void ordinalsStartWhereTheSpecSays() {
        ObjectNode set = Json.object();
        set.putObject("spec").put("replicas", 2).putObject("ordinals").put("start", 5);
        assertThat(Ordinals.inRange(set, 4)).isFalse();
        assertThat(Ordinals.inRange(set, 5)).isTrue();
        assertThat(Ordinals.inRange(set, 6)).isTrue();
        assertThat(Ordinals.inRange(set, 7)).isFalse();
        ObjectNode unset = Json.object();
        unset.putObject("spec");
        assertThat(Ordinals.inRange(unset, 0)).as("one replica from 0 by default").isTrue();
        assertThat(Ordinals.inRange(unset, 1)).isFalse();
    }
}
