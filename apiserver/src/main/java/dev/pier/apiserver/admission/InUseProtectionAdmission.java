package dev.pier.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.registry.Admission;

/**
 * Kubernetes' StorageObjectInUseProtection plugin: every new claim gets {@code kubernetes.io/pvc-protection}
 * and every new volume {@code kubernetes.io/pv-protection}, which the protection controller removes once
 * the object is deleted and unused.
 */
public final class InUseProtectionAdmission implements Admission {
    public static final InUseProtectionAdmission CLAIMS = new InUseProtectionAdmission("kubernetes.io/pvc-protection");
    public static final InUseProtectionAdmission VOLUMES = new InUseProtectionAdmission("kubernetes.io/pv-protection");

    private final String finalizer;

    private InUseProtectionAdmission(String finalizer) {
        this.finalizer = finalizer;
    }

    @Override
    public void admitCreate(ObjectNode object) {
        ObjectNode meta = object.withObject("/metadata");
        JsonNode existing = meta.get("finalizers");
        ArrayNode finalizers = existing instanceof ArrayNode a ? a : meta.putArray("finalizers");
        for (JsonNode f : finalizers) if (f.asText().equals(finalizer)) return;
        finalizers.add(finalizer);
    }
}
