package dev.pier.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Strategic merge patch semantics, with a small hand-written schema of a pod. */
class StrategicMergePatchTest {
    /** containers merge by name, env by name, ports by containerPort, finalizers as a set; other lists replace. */
    private record Schema(Map<String, Schema> fields, String key, boolean merges) implements PatchSchema {
        @Override
        public PatchSchema field(String name) {
            return fields.getOrDefault(name, new Schema(Map.of(), null, false));
        }

        @Override
        public String mergeKey() {
            return key;
        }

        @Override
        public boolean mergesList() {
            return merges;
        }
    }

    private static final Schema CONTAINER = new Schema(Map.of(
            "env", new Schema(Map.of(), "name", true),
            "ports", new Schema(Map.of(), "containerPort", true)), "name", true);
    private static final Schema POD = new Schema(Map.of(
            "spec", new Schema(Map.of("containers", CONTAINER), null, false),
            "metadata", new Schema(Map.of("finalizers", new Schema(Map.of(), null, true)), null, false)), null, false);

    private static ObjectNode json(String s) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final ObjectNode ORIGINAL = json("""
            {'metadata':{'name':'p','finalizers':['a']},
             'spec':{'containers':[
                {'name':'web','image':'nginx:1','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],'args':['x','y']},
                {'name':'side','image':'busybox'}]}}""");

    private static JsonNode containers(ObjectNode o) {
        return o.path("spec").path("containers");
    }

    @Test
    void mergesContainersByNameAndEnvByName() {
        ObjectNode out = StrategicMergePatch.apply(ORIGINAL,
                json("{'spec':{'containers':[{'name':'web','image':'nginx:2','env':[{'name':'B','value':'3'},{'name':'C','value':'4'}]}]}}"), POD);
        assertThat(containers(out)).hasSize(2);
        JsonNode web = containers(out).get(0);
        assertThat(web.path("image").asText()).isEqualTo("nginx:2");
        assertThat(web.path("env").toString()).isEqualTo("[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"3\"},{\"name\":\"C\",\"value\":\"4\"}]");
        assertThat(web.path("args").toString()).isEqualTo("[\"x\",\"y\"]");
        assertThat(containers(out).get(1).path("name").asText()).isEqualTo("side");
        assertThat(containers(ORIGINAL).get(0).path("image").asText()).as("original untouched").isEqualTo("nginx:1");
    }

    @Test
    void listsWithoutMergeStrategyAreReplaced() {
        ObjectNode out = StrategicMergePatch.apply(ORIGINAL, json("{'spec':{'containers':[{'name':'web','args':['z']}]}}"), POD);
        assertThat(containers(out).get(0).path("args").toString()).isEqualTo("[\"z\"]");
    }

    @Test
    void deleteDirectiveRemovesAnElementAndNullRemovesAField() {
        ObjectNode out = StrategicMergePatch.apply(ORIGINAL,
                json("{'spec':{'containers':[{'$patch':'delete','name':'side'},{'name':'web','image':null}]}}"), POD);
        assertThat(containers(out)).hasSize(1);
        assertThat(containers(out).get(0).has("image")).isFalse();
    }

    @Test
    void replaceDirectiveReplacesTheWholeList() {
        ObjectNode out = StrategicMergePatch.apply(ORIGINAL,
                json("{'spec':{'containers':[{'name':'only','image':'x'},{'$patch':'replace'}]}}"), POD);
        assertThat(containers(out)).hasSize(1);
        assertThat(containers(out).get(0).path("name").asText()).isEqualTo("only");
    }

    @Test
    void setElementOrderAndPrimitiveSets() {
        ObjectNode out = StrategicMergePatch.apply(ORIGINAL, json("""
                {'metadata':{'finalizers':['b'],'$deleteFromPrimitiveList/finalizers':['a']},
                 'spec':{'$setElementOrder/containers':[{'name':'side'},{'name':'web'}],'containers':[{'name':'web','image':'n3'}]}}"""), POD);
        assertThat(out.path("metadata").path("finalizers").toString()).isEqualTo("[\"b\"]");
        assertThat(containers(out).get(0).path("name").asText()).isEqualTo("side");
        assertThat(containers(out).get(1).path("image").asText()).isEqualTo("n3");
        assertThat(out.toString()).doesNotContain("$setElementOrder").doesNotContain("$deleteFromPrimitiveList");
    }

    @Test
    void retainKeysDropsFieldsNotListed() {
        ObjectNode dep = json("{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}");
        ObjectNode out = StrategicMergePatch.apply(dep,
                json("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}"), PatchSchema.NONE);
        assertThat(out.path("spec").path("strategy").toString()).isEqualTo("{\"type\":\"Recreate\"}");
    }

    @Test
    void mergePatchReplacesListsAndRemovesNulls() {
        JsonNode out = MergePatch.apply(ORIGINAL, json("{'metadata':{'finalizers':null,'labels':{'a':'b'}},'spec':{'containers':[]}}"));
        assertThat(out.path("metadata").has("finalizers")).isFalse();
        assertThat(out.path("metadata").path("labels").path("a").asText()).isEqualTo("b");
        assertThat(out.path("spec").path("containers")).isEmpty();
    }
}
