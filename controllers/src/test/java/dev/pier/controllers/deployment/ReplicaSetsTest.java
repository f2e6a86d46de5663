package dev.pier.controllers.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaSetsTest {
    private static ObjectNode template(String image) {
        ObjectNode t = Json.object();
        t.putObject("metadata").putObject("labels").put("app", "web");
        t.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", image);
        return t;
    }

    @Test
    void templateHashIsStableAcrossFieldOrderAndChangesWithTheTemplate() {
        ObjectNode a = template("nginx");
        ObjectNode b = Json.object();
        b.set("spec", a.get("spec").deepCopy());
        b.set("metadata", a.get("metadata").deepCopy());
        assertThat(ReplicaSets.templateHash(a, 0)).isEqualTo(ReplicaSets.templateHash(b, 0))
                .matches("[bcdfghjklmnpqrstvwxz2456789]+");
        assertThat(ReplicaSets.templateHash(template("nginx:2"), 0)).isNotEqualTo(ReplicaSets.templateHash(a, 0));
        assertThat(ReplicaSets.templateHash(a, 1)).as("a collision count gives another name").isNotEqualTo(ReplicaSets.templateHash(a, 0));
    }

    @Test
    void aReplicaSetRunsTheTemplateWhateverItsHashLabel() {
        ObjectNode deployment = Json.object();
        deployment.putObject("metadata").put("name", "web").put("namespace", "default").put("uid", "u1");
        deployment.put("apiVersion", "apps/v1").put("kind", "Deployment");
        ObjectNode spec = deployment.putObject("spec");
        spec.put("replicas", 3);
        spec.putObject("selector").putObject("matchLabels").put("app", "web");
        spec.set("template", template("nginx"));
        ObjectNode rs = ReplicaSets.build(deployment, "abc", 1, 4, 1);
        assertThat(rs.at("/metadata/name").asText()).isEqualTo("web-abc");
        assertThat(rs.at("/spec/template/metadata/labels/pod-template-hash").asText()).isEqualTo("abc");
        assertThat(rs.at("/spec/selector/matchLabels/pod-template-hash").asText()).isEqualTo("abc");
        assertThat(rs.at("/metadata/annotations/deployment.kubernetes.io~1revision").asText()).isEqualTo("4");
        assertThat(rs.at("/metadata/ownerReferences/0/controller").asBoolean()).isTrue();
        assertThat(ReplicaSets.runsTemplate(rs, deployment)).isTrue();
        spec.set("template", template("nginx:2"));
        assertThat(ReplicaSets.runsTemplate(rs, deployment)).isFalse();
    }
}
