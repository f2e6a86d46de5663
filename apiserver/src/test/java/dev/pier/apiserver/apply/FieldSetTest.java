package dev.pier.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.apply.Structured.Comparison;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.resources.BuiltinResources;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Field sets, their FieldsV1 encoding and the structured merge operations, without a store. */
class FieldSetTest {

    static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s.replace("\"", "\\\"").replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ResourceType type(String group, String resource) {
        return BuiltinResources.registry().find(group, "v1", resource).orElseThrow();
    }

    static final String DEPLOYMENT = """
            {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default','labels':{'app':'web'}},
             'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},
               'template':{'metadata':{'labels':{'app':'web'}},
                 'spec':{'containers':[{'name':'nginx','image':'nginx:1','ports':[{'containerPort':80}],
                                        'env':[{'name':'A','value':'1'}]}]}}}}""";

    @Test
    void fieldsV1RoundTripKeepsMembersChildrenAndDots() {
        JsonNode v1 = json("""
                {'f:metadata':{'f:labels':{'.':{},'f:app':{}}},
                 'f:spec':{'f:replicas':{},'f:template':{'f:spec':{'f:containers':{'k:{"name":"nginx"}':{'.':{},'f:image':{},
                   'f:ports':{'k:{"containerPort":80,"protocol":"TCP"}':{'.':{},'f:containerPort':{}}}}}}}},
                 'f:metadata2':{'f:finalizers':{'v:"a"':{}}}}""");
        FieldSet s = FieldSet.fromFieldsV1(v1);
        assertThat(s.toFieldsV1()).isEqualTo(v1);
        assertThat(s.has(FieldManager.path("metadata", "labels"))).isTrue();
        assertThat(s.has(FieldManager.path("metadata"))).isFalse();
        assertThat(s.has(FieldManager.path("spec", "replicas"))).isTrue();
        assertThat(s.paths()).extracting(PathElement::toString).contains(
                ".spec.template.spec.containers[name=\"nginx\"].image",
                ".spec.template.spec.containers[name=\"nginx\"].ports[containerPort=80,protocol=\"TCP\"]",
                ".metadata2.finalizers[=\"a\"]");
        assertThat(FieldSet.fromFieldsV1(s.toFieldsV1())).isEqualTo(s);
    }

    @Test
    void invalidFieldsV1IsRefused() {
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{'x:foo':{}}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{'f:foo':1}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{'k:notjson':{}}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("[]"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void setOperationsAreMemberWise() {
        FieldSet a = FieldSet.of(List.of(FieldManager.path("spec", "a"), FieldManager.path("spec", "b"), FieldManager.path("spec")));
        FieldSet b = FieldSet.of(List.of(FieldManager.path("spec", "b")));
        assertThat(a.difference(b).toFieldsV1()).isEqualTo(json("{'f:spec':{'.':{},'f:a':{}}}"));
        assertThat(a.intersection(b)).isEqualTo(b);
        assertThat(b.union(a)).isEqualTo(a);
        assertThat(b.difference(a).isEmpty()).isTrue();
    }

    @Test
    void appliedFieldSetOfADeployment() {
        TypeSchema s = TypeSchema.of(type("apps", "deployments"));
        FieldSet set = FieldManager.Ignore.of(type("apps", "deployments"), false)
                .filter(Structured.toFieldSet(json(DEPLOYMENT), s, true));
        assertThat(set.toFieldsV1()).isEqualTo(json("""
                {'f:metadata':{'f:labels':{'f:app':{}}},
                 'f:spec':{'f:replicas':{},'f:selector':{},
                   'f:template':{'f:metadata':{'f:labels':{'f:app':{}}},
                     'f:spec':{'f:containers':{'k:{"name":"nginx"}':{'.':{},
                        'f:env':{'k:{"name":"A"}':{'.':{},'f:name':{},'f:value':{}}},
                        'f:image':{},'f:name':{},
                        'f:ports':{'k:{"containerPort":80,"protocol":"TCP"}':{'.':{},'f:containerPort':{}}}}}}}}}"""));
    }

    @Test
    void createdObjectIsOwnedWithKubernetesShapes() {
        ResourceType deployments = type("apps", "deployments");
        TypeSchema s = TypeSchema.of(deployments);
        ObjectNode created = (ObjectNode) json(DEPLOYMENT);
        created.with("spec").putObject("strategy").put("type", "RollingUpdate")
                .putObject("rollingUpdate").put("maxSurge", "25%");
        List<ManagedFields.Entry> out = FieldManager.update(List.of(), Json.object(), created, s,
                FieldManager.Ignore.of(deployments, false), "kubectl-create", "apps/v1", "", "2025-01-01T00:00:00Z");
        assertThat(out).hasSize(1);
        JsonNode f = out.getFirst().fields().toFieldsV1();
        // maps and new structs reached through pointers get '.', Go value structs (spec, strategy, template) do not
        assertThat(f.path("f:metadata").path("f:labels").has(".")).isTrue();
        assertThat(f.path("f:spec").has(".")).isFalse();
        assertThat(f.path("f:spec").path("f:strategy").has(".")).isFalse();
        assertThat(f.path("f:spec").path("f:strategy").path("f:rollingUpdate").has(".")).isTrue();
        assertThat(f.path("f:spec").path("f:template").path("f:spec").path("f:containers").has(".")).isFalse();
        assertThat(f.path("f:spec").path("f:template").path("f:spec").path("f:containers")
                .path("k:{\"name\":\"nginx\"}").has("f:resources")).isTrue(); // a Go zero value, as Kubernetes shows it
        assertThat(f.path("f:metadata").has("f:name")).isFalse();
        assertThat(f.has("f:apiVersion")).isFalse();
    }

    @Test
    void compareFindsAddedModifiedAndRemoved() {
        TypeSchema s = TypeSchema.of(type("", "configmaps"));
        Comparison c = Structured.compare(json("{'data':{'a':'1','b':'2'}}"), json("{'data':{'a':'1','b':'3','c':'4'},'metadata':{'labels':{'x':'y'}}}"), s);
        assertThat(c.modified().toFieldsV1()).isEqualTo(json("{'f:data':{'f:b':{}}}"));
        assertThat(c.added().toFieldsV1()).isEqualTo(json("{'f:data':{'f:c':{}},'f:metadata':{'.':{},'f:labels':{'.':{},'f:x':{}}}}"));
        Comparison back = Structured.compare(json("{'data':{'a':'1'}}"), json("{}"), s);
        assertThat(back.removed().toFieldsV1()).isEqualTo(json("{'f:data':{'.':{},'f:a':{}}}"));
        assertThat(Structured.compare(json("{'data':{'n':1}}"), json("{'data':{'n':1.0}}"), s).isSame()).isTrue();
    }

    @Test
    void mergeFollowsListTypes() {
        TypeSchema s = TypeSchema.of(type("apps", "deployments"));
        JsonNode live = json("""
                {'metadata':{'finalizers':['a','b'],'labels':{'x':'1'}},
                 'spec':{'template':{'spec':{'containers':[{'name':'a','image':'a:1','args':['x','y']},{'name':'b','image':'b:1'}],
                   'tolerations':[{'key':'k1'}]}}}}""");
        JsonNode config = json("""
                {'metadata':{'finalizers':['c','a'],'labels':{'y':'2'}},
                 'spec':{'template':{'spec':{'containers':[{'name':'b','image':'b:2'},{'name':'c','image':'c:1'},{'name':'a','args':['z']}],
                   'tolerations':[{'key':'k2'}]}}}}""");
        JsonNode merged = Structured.merge(live, config, s);
        assertThat(merged.path("metadata").path("finalizers")).isEqualTo(json("['c','a','b']"));
        assertThat(merged.path("metadata").path("labels")).isEqualTo(json("{'x':'1','y':'2'}"));
        JsonNode containers = merged.path("spec").path("template").path("spec").path("containers");
        assertThat(containers).isEqualTo(json("""
                [{'name':'b','image':'b:2'},{'name':'c','image':'c:1'},{'name':'a','image':'a:1','args':['z']}]"""));
        assertThat(merged.path("spec").path("template").path("spec").path("tolerations")).isEqualTo(json("[{'key':'k2'}]"));
    }

    @Test
    void portsWithoutProtocolMatchTheDefaultedLiveItem() {
        TypeSchema s = TypeSchema.of(type("", "pods"));
        JsonNode live = json("{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80,'protocol':'TCP','name':'http'}]}]}}");
        JsonNode config = json("{'spec':{'containers':[{'name':'a','ports':[{'containerPort':80}]}]}}");
        assertThat(Structured.merge(live, config, s).path("spec").path("containers").get(0).path("ports"))
                .isEqualTo(json("[{'containerPort':80,'protocol':'TCP','name':'http'}]"));
    }

    @Test
    void configListsThatCannotBeKeyedAreRejected() {
        TypeSchema s = TypeSchema.of(type("", "pods"));
        assertThatThrownBy(() -> Structured.toFieldSet(json("{'spec':{'containers':[{'image':'x'}]}}"), s, true))
                .isInstanceOf(Structured.InvalidListException.class).hasMessageContaining("\"name\"");
        assertThatThrownBy(() -> Structured.toFieldSet(json("{'spec':{'containers':[{'name':'a'},{'name':'a'}]}}"), s, true))
                .isInstanceOf(Structured.InvalidListException.class).hasMessageContaining("duplicate entries for key [name=\"a\"]");
        // read from a live object, such a list is atomic
        assertThat(Structured.toFieldSet(json("{'spec':{'containers':[{'name':'a'},{'name':'a'}]}}"), s, false).toFieldsV1())
                .isEqualTo(json("{'f:spec':{'f:containers':{}}}"));
    }

    @Test
    void customResourcesUseTheirSchemaAndDefaultToAtomicLists() {
        JsonNode schema = json("""
                {'type':'object','properties':{'spec':{'type':'object','properties':{
                   'items':{'type':'array','x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['id'],
                            'items':{'type':'object','properties':{'id':{'type':'string'},'v':{'type':'string'}}}},
                   'tags':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}},
                   'args':{'type':'array','items':{'type':'string'}},
                   'sel':{'type':'object','x-kubernetes-map-type':'atomic','additionalProperties':{'type':'string'}},
                   'extra':{'type':'object','additionalProperties':{'type':'string'}}}}}}""");
        TypeSchema s = new TypeSchema.CrdRoot(schema, new TypeSchema.Struct(dev.pier.apiserver.schema.SchemaCatalog.shared().objectMeta(), false));
        JsonNode config = json("{'spec':{'items':[{'id':'1','v':'a'}],'tags':['t'],'args':['x'],'sel':{'a':'b'},'extra':{'k':'v'}}}");
        assertThat(Structured.toFieldSet(config, s, true).toFieldsV1()).isEqualTo(json("""
                {'f:spec':{'f:args':{},'f:extra':{'f:k':{}},'f:items':{'k:{"id":"1"}':{'.':{},'f:id':{},'f:v':{}}},
                  'f:sel':{},'f:tags':{'v:"t"':{}}}}"""));
        // without any schema: maps are granular, their entries members, lists atomic
        TypeSchema none = new TypeSchema.CrdRoot(null, TypeSchema.DEDUCED);
        assertThat(Structured.toFieldSet(json("{'spec':{'a':[1,2],'b':{'c':1}}}"), none, true).toFieldsV1())
                .isEqualTo(json("{'f:spec':{'.':{},'f:a':{},'f:b':{'.':{},'f:c':{}}}}"));
    }

    @Test
    void managedFieldsDecodeValidatesAndEncodeSorts() {
        JsonNode mf = json("""
                [{'manager':'b','operation':'Update','apiVersion':'v1','time':'2025-01-02T00:00:00Z','fieldsType':'FieldsV1','fieldsV1':{'f:data':{'f:x':{}}}},
                 {'manager':'a','operation':'Update','apiVersion':'v1','time':'2025-01-01T00:00:00Z','fieldsType':'FieldsV1','fieldsV1':{'f:data':{'f:y':{}}}},
                 {'manager':'z','operation':'Apply','apiVersion':'v1','time':'2025-01-03T00:00:00Z','fieldsType':'FieldsV1','fieldsV1':{'f:data':{'f:z':{}}},'subresource':'status'}]""");
        List<ManagedFields.Entry> entries = ManagedFields.decode(mf);
        JsonNode encoded = ManagedFields.encode(entries);
        assertThat(encoded).extracting(e -> e.path("manager").asText()).containsExactly("z", "a", "b");
        assertThat(ManagedFields.decode(encoded)).containsExactlyInAnyOrderElementsOf(entries);
        assertThat(ManagedFields.tryDecode(json("[{'manager':'a','operation':'Patch','apiVersion':'v1','fieldsType':'FieldsV1'}]"))).isNull();
        assertThat(ManagedFields.tryDecode(json("[{'manager':'a','operation':'Update','fieldsType':'FieldsV1'}]"))).isNull();
        assertThat(ManagedFields.tryDecode(json("[{'manager':'a','operation':'Update','apiVersion':'v1','fieldsType':'FieldsV2'}]"))).isNull();
        assertThat(ManagedFields.tryDecode(json("[{'manager':'a','operation':'Update','apiVersion':'v1','fieldsType':'FieldsV1','time':'yesterday'}]"))).isNull();
        assertThat(ManagedFields.isReset(json("[{}]"))).isTrue();
        assertThat(ManagedFields.isReset(json("[]"))).isFalse();
    }

    @Test
    void updateManagersAreCappedIntoAncientChanges() {
        List<ManagedFields.Entry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            entries.add(new ManagedFields.Entry("m" + i, "Update", "v1", String.format("2025-01-01T00:00:%02dZ", i), "",
                    FieldSet.of(List.of(FieldManager.path("data", "k" + i)))));
        }
        List<ManagedFields.Entry> capped = ManagedFields.capUpdaters(entries);
        assertThat(capped).hasSize(10);
        ManagedFields.Entry bucket = capped.stream().filter(e -> e.manager().equals("ancient-changes")).findFirst().orElseThrow();
        assertThat(bucket.fields().paths()).hasSize(3);
    }
}
