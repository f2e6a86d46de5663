package dev.pier.apiserver.meta;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldSelectorTest {
    private static final Map<String, Function<ObjectNode, String>> POD_FIELDS =
            Map.of("spec.nodeName", o -> Json.text(o, "spec.nodeName"), "status.phase", o -> Json.text(o, "status.phase"));

    private static ObjectNode pod(String name, String node, String phase) {
        ObjectNode p = Json.object();
        p.withObject("metadata").put("name", name).put("namespace", "default");
        if (node != null) p.withObject("spec").put("nodeName", node);
        p.withObject("status").put("phase", phase);
        return p;
    }

    @Test
    void matchesMetadataAndKindFields() {
        ObjectNode p = pod("web", "n1", "Running");
        assertThat(FieldSelector.parse("metadata.name=web", "pods", POD_FIELDS).matches(p)).isTrue();
        assertThat(FieldSelector.parse("metadata.namespace==default,spec.nodeName=n1", "pods", POD_FIELDS).matches(p)).isTrue();
        assertThat(FieldSelector.parse("status.phase!=Running", "pods", POD_FIELDS).matches(p)).isFalse();
        // an unset field reads as "": kubectl's "spec.nodeName=" finds unscheduled pods
        assertThat(FieldSelector.parse("spec.nodeName=", "pods", POD_FIELDS).matches(pod("x", null, "Pending"))).isTrue();
    }

    @Test
    void requiredNameIsExposedForNarrowing() {
        assertThat(FieldSelector.parse("metadata.name=web", "pods", POD_FIELDS).required("metadata.name")).isEqualTo("web");
        assertThat(FieldSelector.parse("metadata.name!=web", "pods", POD_FIELDS).required("metadata.name")).isNull();
    }

    @Test
    void unsupportedFieldIsBadRequestNamingIt() {
        assertThatThrownBy(() -> FieldSelector.parse("spec.foo=bar", "pods", POD_FIELDS))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("spec.foo");
                });
        assertThatThrownBy(() -> FieldSelector.parse("nonsense", "pods", POD_FIELDS)).isInstanceOf(ApiException.class);
    }
}
