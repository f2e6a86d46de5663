package dev.pier.apiserver.resources.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.storage.KeyValueStore;
import dev.pier.storage.RangeRequest;
import dev.pier.storage.sqlite.SqliteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.pier.apiserver.resources.Harness.createErrors;
import static dev.pier.apiserver.resources.Harness.created;
import static dev.pier.apiserver.resources.Harness.row;
import static dev.pier.apiserver.resources.Harness.updateErrors;
import static dev.pier.apiserver.resources.Harness.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceStrategyTest {
    private final ServiceStrategy services = new ServiceStrategy();

    @Test
    void defaults() {
        ObjectNode svc = created(services, """
                metadata: {name: web}
                spec: {selector: {app: web}, ports: [{port: 80}, {name: https, port: 443, targetPort: https}]}
                """);
        ObjectNode spec = (ObjectNode) svc.get("spec");
        assertThat(spec.path("type").asText()).isEqualTo("ClusterIP");
        assertThat(spec.path("sessionAffinity").asText()).isEqualTo("None");
        assertThat(spec.path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");
        assertThat(spec.path("ports").get(0).path("targetPort").asInt()).isEqualTo(80);
        assertThat(spec.path("ports").get(1).path("targetPort").asText()).isEqualTo("https");
        assertThat(spec.path("ipFamilies").toString()).isEqualTo("[\"IPv4\"]");
        assertThat(spec.path("ipFamilyPolicy").asText()).isEqualTo("SingleStack");
        assertThat(spec.path("internalTrafficPolicy").asText()).isEqualTo("Cluster");
        assertThat(spec.has("externalTrafficPolicy")).isFalse();
        assertThat(svc.path("status").path("loadBalancer").isObject()).isTrue();

        ObjectNode np = created(services, "spec: {type: NodePort, ports: [{port: 80}]}");
        assertThat(np.path("spec").path("externalTrafficPolicy").asText()).isEqualTo("Cluster");
        ObjectNode ext = created(services, "spec: {type: ExternalName, externalName: example.com}");
        assertThat(ext.path("spec").has("ipFamilies")).isFalse();
    }

    @Test
    void validation() {
        assertThat(createErrors(services, "spec: {selector: {app: web}}")).containsExactly("spec.ports: Required value");
        assertThat(createErrors(services, "spec: {clusterIP: None, selector: {app: web}}")).isEmpty();
        assertThat(createErrors(services, "spec: {type: ExternalName, externalName: example.com}")).isEmpty();
        assertThat(createErrors(services, "spec: {type: ExternalName}")).containsExactly("spec.externalName: Required value");
        assertThat(createErrors(services, "spec: {type: Magic, ports: [{port: 80}]}"))
                .containsExactly("spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
        assertThat(createErrors(services, "spec: {ports: [{port: 80}, {port: 0, name: b}, {port: 81, name: b}]}")).containsExactly(
                "spec.ports[0].name: Required value",
                "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.ports[2].name: Duplicate value: \"b\"");
        assertThat(createErrors(services, "spec: {ports: [{port: 80, nodePort: 30080}]}"))
                .containsExactly("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
        assertThat(createErrors(services, "spec: {clusterIP: 10.96.0.300, ports: [{port: 80}]}"))
                .containsExactly("spec.clusterIPs[0]: Invalid value: \"10.96.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    }

    @Test
    void clusterIpStaysOnReplace() {
        ObjectNode old = created(services, "spec: {ports: [{port: 80}]}");
        ((ObjectNode) old.get("spec")).put("clusterIP", "10.96.12.34").putArray("clusterIPs").add("10.96.12.34");
        ObjectNode replaced = yaml("metadata: {name: x}\nspec: {ports: [{port: 8080}]}");
        assertThat(updateErrors(services, old, replaced)).isEmpty();
        ObjectNode changed = yaml("metadata: {name: x}\nspec: {clusterIP: 10.96.12.35, ports: [{port: 8080}]}");
        assertThat(updateErrors(services, old, changed))
                .contains("spec.clusterIPs[0]: Invalid value: \"10.96.12.35\": may not change once set");
    }

    @Test
    void table() {
        ObjectNode lb = created(services, "spec: {type: LoadBalancer, selector: {app: web, tier: fe}, ports: [{port: 80, nodePort: 30080}, {port: 443, nodePort: 30443}]}");
        assertThat(row(services.table(), lb)).containsEntry("Type", "LoadBalancer").containsEntry("Cluster-IP", "<none>")
                .containsEntry("External-IP", "<pending>").containsEntry("Port(s)", "80:30080/TCP,443:30443/TCP")
                .containsEntry("Selector", "app=web,tier=fe");
        ObjectNode mixed = created(services, "spec: {type: NodePort, clusterIP: 10.96.0.10, ports: [{port: 80}, {port: 443, nodePort: 30443}]}");
        assertThat(row(services.table(), mixed)).containsEntry("Port(s)", "80/TCP,443:30443/TCP")
                .containsEntry("Cluster-IP", "10.96.0.10").containsEntry("External-IP", "<none>");
        ObjectNode ext = created(services, "spec: {type: ExternalName, externalName: db.example.com}");
        assertThat(row(services.table(), ext)).containsEntry("External-IP", "db.example.com").containsEntry("Port(s)", "<none>");
    }

    /** Reservations held in storage, across cells. */
    private static int reservations(KeyValueStore kv) {
        return kv.range(RangeRequest.prefix("/registry/")).kvs().size();
    }

    @Test
    void allocatorReservesUniqueValues(@TempDir Path dir) {
        try (SqliteStore kv = SqliteStore.open(dir.resolve("state.db"))) {
            allocatorReservesUniqueValues(kv);
        }
    }

    private void allocatorReservesUniqueValues(KeyValueStore kv) {
        ServiceAllocator allocator = new ServiceAllocator();
        ObjectNode a = created(services, "metadata: {name: a, uid: ua}\nspec: {type: NodePort, ports: [{port: 80}]}");
        a.withObject("/metadata").put("uid", "ua");
        allocator.allocate(kv, "c1", a, null, false);
        String ip = a.path("spec").path("clusterIP").asText();
        assertThat(Ips.isIPv4(ip)).isTrue();
        assertThat(a.path("spec").path("clusterIPs").get(0).asText()).isEqualTo(ip);
        int nodePort = a.path("spec").path("ports").get(0).path("nodePort").asInt();
        assertThat(nodePort).isBetween(30000, 32767);

        ObjectNode b = created(services, "metadata: {name: b}\nspec: {type: NodePort, clusterIP: %s, ports: [{port: 80, nodePort: %d}]}"
                .formatted(ip, nodePort));
        b.withObject("/metadata").put("uid", "ub");
        assertThatThrownBy(() -> allocator.allocate(kv, "c1", b, null, false)).isInstanceOf(ApiException.class)
                .hasMessageContaining("spec.clusterIPs: Invalid value: [\"" + ip + "\"]: failed to allocate IP " + ip + ": provided IP is already allocated");
        ObjectNode c = created(services, "metadata: {name: c}\nspec: {type: NodePort, ports: [{port: 80, nodePort: %d}]}".formatted(nodePort));
        c.withObject("/metadata").put("uid", "uc");
        assertThatThrownBy(() -> allocator.allocate(kv, "c1", c, null, false))
                .hasMessageContaining("spec.ports[0].nodePort: Invalid value: " + nodePort + ": provided port is already allocated");
        assertThat(reservations(kv)).as("failed allocations undo their reservations").isEqualTo(2);
        ObjectNode d = created(services, "metadata: {name: d}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 80}]}");
        assertThatThrownBy(() -> allocator.allocate(kv, "c1", d, null, false))
                .hasMessageContaining("provided port is not in the valid range. The range of valid ports is 30000-32767");
        ObjectNode e = created(services, "metadata: {name: e}\nspec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}");
        assertThatThrownBy(() -> allocator.allocate(kv, "c1", e, null, false))
                .hasMessageContaining("the provided IP (10.0.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12");

        // switching to ClusterIP frees the node port; deleting frees the IP
        ObjectNode clusterIp = a.deepCopy();
        ((ObjectNode) clusterIp.get("spec")).put("type", "ClusterIP");
        ((ObjectNode) clusterIp.path("spec").path("ports").get(0)).remove("nodePort");
        allocator.allocate(kv, "c1", clusterIp, a, false);
        allocator.release(kv, "c1", a, clusterIp);
        assertThat(reservations(kv)).isEqualTo(1);
        allocator.release(kv, "c1", clusterIp, null);
        assertThat(reservations(kv)).isZero();
        // other cells have their own ranges
        allocator.allocate(kv, "c2", b, null, false);
        assertThat(reservations(kv)).isEqualTo(2);
    }
}
