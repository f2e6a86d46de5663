package dev.pier.controllers.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TemplatePatchTest {
    private static ObjectNode set(String json) {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void recordsTheTemplateAsGoMarshalsKubectlsPatch() {
        ObjectNode ds = set("""
                {"metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"}},
                 "template":{"spec":{"containers":[{"name":"c","image":"busybox","resources":{}}],"dnsPolicy":"ClusterFirst"},
                             "metadata":{"labels":{"tier":"node","app":"agent"},"creationTimestamp":null}}}}""");
        // kubectl compares these bytes with json.Marshal of the same patch: keys sorted at every level, $patch first
        assertThat(new String(Json.bytes(TemplatePatch.of(ds)), StandardCharsets.UTF_8)).isEqualTo(
                "{\"spec\":{\"template\":{\"$patch\":\"replace\",\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"app\":\"agent\",\"tier\":\"node\"}},"
                        + "\"spec\":{\"containers\":[{\"image\":\"busybox\",\"name\":\"c\",\"resources\":{}}],\"dnsPolicy\":\"ClusterFirst\"}}}}");
    }

    @Test
    void applyingARevisionPutsItsTemplateBack() {
        ObjectNode v1 = set("{\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":3,\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}");
        ObjectNode recorded = TemplatePatch.of(v1);
        ObjectNode v2 = v1.deepCopy();
        ((ObjectNode) v2.at("/spec/template/spec/containers/0")).put("image", "nginx:2");
        v2.withObject("/spec").put("replicas", 5);

        ObjectNode restored = TemplatePatch.apply(v2, recorded);
        assertThat(restored.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx");
        assertThat(restored.at("/spec/replicas").asInt()).as("only the template comes back").isEqualTo(5);
        assertThat(restored.at("/spec/template").has("$patch")).isFalse();
        assertThat(TemplatePatch.of(restored)).isEqualTo(recorded);
    }

    @Test
    void hashesMoveOnWithTheCollisionCount() {
        ObjectNode data = TemplatePatch.of(set("{\"spec\":{\"template\":{\"spec\":{}}}}"));
        assertThat(RevisionHash.of(data, 0)).matches("[bcdfghjklmnpqrstvwxz2456789]+").isEqualTo(RevisionHash.of(data.deepCopy(), 0));
        assertThat(RevisionHash.of(data, 1)).isNotEqualTo(RevisionHash.of(data, 0));
    }
}
