package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatefulPodsTest {
    private static ObjectNode withClaims() {
        ObjectNode set = Sets.set(3, "OrderedReady");
        ObjectNode claim = set.withObject("/spec").putArray("volumeClaimTemplates").addObject();
        claim.putObject("metadata").put("name", "www").put("creationTimestamp", (String) null).putObject("labels").put("tier", "data");
        claim.putObject("spec").putArray("accessModes").add("ReadWriteOnce");
        claim.putObject("status").put("phase", "Pending");
        // the template's own volume of the same name is replaced by the claim
        set.withObject("/spec/template/spec").putArray("volumes").addObject().put("name", "www").putObject("emptyDir");
        set.withArray("/spec/template/spec/volumes").addObject().put("name", "cache").putObject("emptyDir");
        return set;
    }

    @Test
    void aPodHasItsOrdinalsIdentity() {
        ObjectNode pod = StatefulPods.build(withClaims(), 2, "web-abc");
        assertThat(pod.at("/metadata/name").asText()).isEqualTo("web-2");
        assertThat(pod.at("/metadata/labels").toString()).contains("\"app\":\"web\"")
                .contains("\"statefulset.kubernetes.io/pod-name\":\"web-2\"")
                .contains("\"apps.kubernetes.io/pod-index\":\"2\"")
                .contains("\"controller-revision-hash\":\"web-abc\"");
        assertThat(pod.at("/spec/hostname").asText()).isEqualTo("web-2");
        assertThat(pod.at("/spec/subdomain").asText()).isEqualTo("web");
        assertThat(pod.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("StatefulSet");
        assertThat(pod.at("/spec/volumes").toString())
                .isEqualTo("[{\"name\":\"www\",\"persistentVolumeClaim\":{\"claimName\":\"www-web-2\"}},{\"name\":\"cache\",\"emptyDir\":{}}]");
        assertThat(StatefulPods.identityMatches(withClaims(), pod)).isTrue();
        assertThat(StatefulPods.storageMatches(withClaims(), pod)).isTrue();
        pod.withObject("/metadata/labels").remove("apps.kubernetes.io/pod-index");
        assertThat(StatefulPods.identityMatches(withClaims(), pod)).isFalse();
    }

    @Test
    void claimsComeFromTheTemplatesWithTheSelectorsLabels() {
        List<ObjectNode> claims = StatefulPods.claims(withClaims(), 1);
        assertThat(claims).singleElement().satisfies(c -> {
            assertThat(c.at("/metadata/name").asText()).isEqualTo("www-web-1");
            assertThat(c.at("/metadata/namespace").asText()).isEqualTo("default");
            assertThat(c.at("/metadata/labels").toString()).isEqualTo("{\"tier\":\"data\",\"app\":\"web\"}");
            assertThat(c.at("/metadata").has("creationTimestamp")).isFalse();
            assertThat(c.has("status")).isFalse();
            assertThat(c.at("/spec/accessModes/0").asText()).isEqualTo("ReadWriteOnce");
        });
    }
}
