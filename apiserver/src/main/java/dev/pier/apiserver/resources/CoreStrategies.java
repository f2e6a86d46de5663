package dev.pier.apiserver.resources;

import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.NameRule;
import dev.pier.apiserver.registry.ResourceStrategy;

/** Strategies of the core/v1 kinds. */
final class CoreStrategies {
    private CoreStrategies() {
    }

    static final ResourceStrategy PODS = KindStrategy.builder().withStatus()
            .fieldSelector("spec.nodeName", o -> Json.text(o, "spec.nodeName"))
            .fieldSelector("spec.restartPolicy", o -> Json.text(o, "spec.restartPolicy"))
            .fieldSelector("spec.schedulerName", o -> Json.text(o, "spec.schedulerName"))
            .fieldSelector("spec.serviceAccountName", o -> Json.text(o, "spec.serviceAccountName"))
            .fieldSelector("status.phase", o -> Json.text(o, "status.phase"))
            .fieldSelector("status.podIP", o -> Json.text(o, "status.podIP"))
            .fieldSelector("status.nominatedNodeName", o -> Json.text(o, "status.nominatedNodeName"))
            .build();
    static final ResourceStrategy SERVICES = KindStrategy.builder().withStatus().names(NameRule.DNS1035_LABEL).build();
    static final ResourceStrategy ENDPOINTS = KindStrategy.builder().build();
    static final ResourceStrategy CONFIGMAPS = KindStrategy.builder().build();
    static final ResourceStrategy SECRETS = KindStrategy.builder()
            .fieldSelector("type", o -> Json.text(o, "type")).build();
    static final ResourceStrategy SERVICEACCOUNTS = KindStrategy.builder().build();
    static final ResourceStrategy EVENTS = KindStrategy.builder()
            .fieldSelector("involvedObject.kind", o -> Json.text(o, "involvedObject.kind"))
            .fieldSelector("involvedObject.namespace", o -> Json.text(o, "involvedObject.namespace"))
            .fieldSelector("involvedObject.name", o -> Json.text(o, "involvedObject.name"))
            .fieldSelector("involvedObject.uid", o -> Json.text(o, "involvedObject.uid"))
            .fieldSelector("involvedObject.apiVersion", o -> Json.text(o, "involvedObject.apiVersion"))
            .fieldSelector("involvedObject.resourceVersion", o -> Json.text(o, "involvedObject.resourceVersion"))
            .fieldSelector("involvedObject.fieldPath", o -> Json.text(o, "involvedObject.fieldPath"))
            .fieldSelector("reason", o -> Json.text(o, "reason"))
            .fieldSelector("reportingComponent", o -> Json.text(o, "reportingComponent"))
            .fieldSelector("source", o -> Json.text(o, "source.component"))
            .fieldSelector("type", o -> Json.text(o, "type"))
            .build();
    static final ResourceStrategy PVCS = KindStrategy.builder().withStatus().build();
    static final ResourceStrategy LIMITRANGES = KindStrategy.builder().build();
    static final ResourceStrategy RESOURCEQUOTAS = KindStrategy.builder().withStatus().build();
    static final ResourceStrategy NAMESPACES = new NamespaceStrategy();
    static final ResourceStrategy NODES = KindStrategy.builder().withStatus()
            .fieldSelector("spec.unschedulable", o -> Json.text(o, "spec.unschedulable").isEmpty() ? "false" : Json.text(o, "spec.unschedulable"))
            .build();
    static final ResourceStrategy PVS = KindStrategy.builder().withStatus().build();

}
