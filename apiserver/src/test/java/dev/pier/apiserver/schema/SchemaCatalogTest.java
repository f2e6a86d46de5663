package dev.pier.apiserver.schema;

import dev.pier.apiserver.registry.ResourceType;
import dev.pier.apiserver.resources.BuiltinResources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaCatalogTest {
    private final SchemaCatalog catalog = SchemaCatalog.shared();

    @Test
    void everyBuiltinKindAndListKindHasADefinitionWithItsGvk() {
        long start = System.nanoTime();
        List<TypeDef> roots = new ArrayList<>();
        for (ResourceType t : BuiltinResources.registry().all()) {
            TypeDef kind = catalog.kind(t.group(), t.version(), t.kind());
            assertThat(kind).as(t.apiVersion() + " " + t.kind()).isNotNull();
            assertThat(kind.gvk()).contains(new Gvk(t.group(), t.version(), t.kind()));
            assertThat(kind.properties()).containsKeys("apiVersion", "kind", "metadata");
            TypeDef list = catalog.kind(t.group(), t.version(), t.listKind());
            assertThat(list).as(t.listKind()).isNotNull();
            assertThat(list.property("items").elementType()).isSameAs(kind);
            roots.add(kind);
            roots.add(list);
        }
        Map<String, TypeDef> all = SchemaCatalog.closure(roots); // also checks that names are unique
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("catalog of " + all.size() + " types in " + millis + " ms");
        assertThat(all).containsKeys("io.k8s.api.apps.v1.DeploymentSpec", "io.k8s.api.core.v1.PodSpec",
                "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
                "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
                "io.k8s.apimachinery.pkg.util.intstr.IntOrString", "io.k8s.apimachinery.pkg.api.resource.Quantity",
                "io.k8s.api.rbac.v1.PolicyRule", "io.k8s.api.events.v1.Event", "io.k8s.api.core.v1.Event");
        assertThat(all.keySet()).allMatch(n -> n.startsWith("io.k8s."));
    }

    @Test
    void unknownKindsHaveNoDefinition() {
        assertThat(catalog.kind("example.com", "v1", "Widget")).isNull();
        assertThat(catalog.kind("apps", "v1", "Widget")).isNull();
        assertThat(catalog.kind("apps", "v1beta1", "Deployment")).isNull();
        assertThat(catalog.kind("", "v1", "ObjectMeta")).as("not a kind").isNull();
    }

    @Test
    void kindsAreBuiltOnceAndShared() {
        assertThat(SchemaCatalog.shared()).isSameAs(catalog);
        assertThat(catalog.kind("apps", "v1", "Deployment")).isSameAs(catalog.kind(new Gvk("apps", "v1", "Deployment")));
        TypeDef deploymentMeta = catalog.kind("apps", "v1", "Deployment").property("metadata").elementType();
        TypeDef podMeta = catalog.kind("", "v1", "Pod").property("metadata").elementType();
        assertThat(deploymentMeta).isSameAs(podMeta).isSameAs(catalog.objectMeta());
    }

    @Test
    void shapesFollowTheJavaTypes() {
        TypeDef spec = catalog.kind("apps", "v1", "Deployment").property("spec").elementType();
        assertThat(spec.name()).isEqualTo("io.k8s.api.apps.v1.DeploymentSpec");
        assertThat(spec.property("replicas").shape()).isEqualTo(Shape.INT32);
        assertThat(spec.property("paused").shape()).isEqualTo(Shape.BOOLEAN);
        assertThat(spec.required()).containsExactly("selector", "template");

        TypeDef rolling = spec.property("strategy").elementType().property("rollingUpdate").elementType();
        assertThat(rolling.property("maxSurge").elementType().form()).isEqualTo(TypeDef.Form.INT_OR_STRING);

        TypeDef meta = catalog.objectMeta();
        assertThat(meta.property("labels").shape()).isEqualTo(new Shape.MapOf(Shape.STRING));
        assertThat(meta.property("creationTimestamp").elementType().name())
                .isEqualTo("io.k8s.apimachinery.pkg.apis.meta.v1.Time");
        assertThat(meta.property("generation").shape()).isEqualTo(Shape.INT64);
        assertThat(meta.property("finalizers").listType()).isEqualTo("set");
        assertThat(meta.property("ownerReferences").patchMergeKey()).isEqualTo("uid");
        assertThat(meta.property("managedFields").elementType().property("fieldsV1").elementType().form())
                .isEqualTo(TypeDef.Form.OPAQUE);
        assertThat(meta.properties()).doesNotContainKey("additionalProperties");

        TypeDef secret = catalog.kind("", "v1", "Secret");
        assertThat(secret.property("data").shape()).isEqualTo(new Shape.MapOf(Shape.BYTES));

        TypeDef lease = catalog.kind("coordination.k8s.io", "v1", "Lease").property("spec").elementType();
        assertThat(lease.property("renewTime").elementType().name()).isEqualTo("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime");

        TypeDef limitItem = catalog.kind("", "v1", "LimitRange").property("spec").elementType()
                .property("limits").elementType();
        assertThat(limitItem.properties()).containsKey("default"); // fabric8's _default
    }

    @Test
    void listsCarryKubernetesMergeKnowledge() {
        TypeDef podSpec = catalog.kind("", "v1", "Pod").property("spec").elementType();
        Property containers = podSpec.property("containers");
        assertThat(containers.patchStrategy()).isEqualTo("merge");
        assertThat(containers.patchMergeKey()).isEqualTo("name");
        assertThat(containers.listType()).isEqualTo("map");
        assertThat(containers.listMapKeys()).containsExactly("name");
        assertThat(containers.mergesList()).isTrue();
        assertThat(podSpec.property("volumes").patchStrategy()).isEqualTo("merge,retainKeys");
        assertThat(podSpec.property("tolerations").listType()).isEqualTo("atomic");
        assertThat(podSpec.property("tolerations").mergesList()).isFalse();

        TypeDef container = containers.elementType();
        assertThat(container.property("ports").listMapKeys()).containsExactly("containerPort", "protocol");
        assertThat(container.property("ports").patchMergeKey()).isEqualTo("containerPort");
        assertThat(container.property("env").patchMergeKey()).isEqualTo("name");
        assertThat(container.property("volumeMounts").patchMergeKey()).isEqualTo("mountPath");
        assertThat(container.required()).containsExactly("name");

        TypeDef serviceSpec = catalog.kind("", "v1", "Service").property("spec").elementType();
        assertThat(serviceSpec.property("ports").listMapKeys()).containsExactly("port", "protocol");
        assertThat(serviceSpec.property("ports").elementType().property("targetPort").elementType().form())
                .isEqualTo(TypeDef.Form.INT_OR_STRING);
        assertThat(catalog.objectMeta().property("labels").mapType()).isNull();
        assertThat(podSpec.property("nodeSelector").mapType()).isEqualTo("atomic");
    }
}
