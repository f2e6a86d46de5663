package dev.pier.apiserver.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.resources.BuiltinResources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WrongTypesTest {
    private static final ResourceType CONFIGMAPS = BuiltinResources.registry().find("", "v1", "configmaps").orElseThrow();
    private static final ResourceType DEPLOYMENTS = BuiltinResources.registry().find("apps", "v1", "deployments").orElseThrow();

    private static ObjectNode json(String s) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void reportsValuesOfTheWrongJsonType() {
        assertThat(WrongTypes.find(CONFIGMAPS, json("{'metadata':{'name':5,'labels':'x'},'data':[1]}")))
                .containsExactly("metadata.name: expected a string, got a number", "metadata.labels: expected a map, got a string",
                        "data: expected a map, got a list");
        assertThat(WrongTypes.find(DEPLOYMENTS, json("{'spec':{'replicas':'3','template':{'spec':{'containers':[{'name':'c','ports':[{'containerPort':'x'}]}]}}}}")))
                .containsExactly("spec.replicas: expected an integer, got a string",
                        "spec.template.spec.containers[0].ports[0].containerPort: expected an integer, got a string");
    }

    @Test
    void acceptsWellTypedBodiesNullsAndFlexibleScalars() {
        assertThat(WrongTypes.find(DEPLOYMENTS, json("""
                {'metadata':{'name':'d','labels':{'a':'b'},'annotations':null,'creationTimestamp':null},
                 'spec':{'replicas':2,'strategy':{'rollingUpdate':{'maxSurge':1,'maxUnavailable':'25%'}},
                  'template':{'spec':{'containers':[{'name':'c','image':'i','resources':{'limits':{'cpu':1,'memory':'1Gi'}},
                   'livenessProbe':{'httpGet':{'port':'http','path':'/'}}}]}}}}"""))).isEmpty();
    }
}
