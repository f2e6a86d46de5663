package dev.pier.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.Admission;
import dev.pier.apiserver.resources.Quantity;
import dev.pier.apiserver.resources.Tree;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Kubernetes' two admission plugins for PersistentVolumeClaims: DefaultStorageClass (a claim created
 * without {@code storageClassName} gets the cluster's default class, the newest if several are marked)
 * and PersistentVolumeClaimResize (a claim may only grow when its class allows expansion and its volume
 * was provisioned dynamically by that class).
 */
public final class ClaimAdmission implements Admission {
    static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
    static final String BETA_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class";

    private final Supplier<List<ObjectNode>> storageClasses;
    private final Function<String, Optional<ObjectNode>> persistentVolume;

    /**
     * @param storageClasses   the cell's StorageClasses, read consistently
     * @param persistentVolume a PersistentVolume of the cell by name
     */
    public ClaimAdmission(Supplier<List<ObjectNode>> storageClasses, Function<String, Optional<ObjectNode>> persistentVolume) {
        this.storageClasses = storageClasses;
        this.persistentVolume = persistentVolume;
    }

    @Override
    public void admitCreate(ObjectNode claim) {
        ObjectNode spec = Tree.obj(claim, "spec");
        // An explicit "" asks for no class (static PVs without one), as in Kubernetes: only an absent field is defaulted.
        if (spec.has("storageClassName") && !spec.get("storageClassName").isNull()) return;
        defaultClass().ifPresent(sc -> spec.put("storageClassName", Tree.text(sc.path("metadata"), "name")));
    }

    private Optional<ObjectNode> defaultClass() {
        return storageClasses.get().stream()
                .filter(ClaimAdmission::isDefault)
                .max(Comparator.comparing((ObjectNode sc) -> Tree.text(sc.path("metadata"), "creationTimestamp"))
                        .thenComparing(sc -> Tree.text(sc.path("metadata"), "name")));
    }

    static boolean isDefault(JsonNode sc) {
        JsonNode annotations = sc.path("metadata").path("annotations");
        return Tree.text(annotations, DEFAULT_CLASS).equals("true") || Tree.text(annotations, BETA_DEFAULT_CLASS).equals("true");
    }

    @Override
    public void admitUpdate(ObjectNode claim, ObjectNode old) {
        Quantity now = storage(claim);
        Quantity before = storage(old);
        if (now == null || before == null || now.compareTo(before) <= 0) return;
        String name = Tree.text(claim.path("metadata"), "name");
        String className = Tree.text(claim.path("spec"), "storageClassName");
        Optional<ObjectNode> sc = storageClasses.get().stream()
                .filter(c -> Tree.text(c.path("metadata"), "name").equals(className)).findFirst();
        boolean expandable = sc.isPresent() && sc.get().path("allowVolumeExpansion").asBoolean(false);
        String volume = Tree.text(claim.path("spec"), "volumeName");
        boolean provisioned = !volume.isEmpty() && persistentVolume.apply(volume)
                .map(pv -> Tree.text(pv.path("spec"), "storageClassName").equals(className))
                .orElse(false);
        if (!expandable || !provisioned) {
            throw ApiException.forbidden("", "persistentvolumeclaims", name,
                    "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
        }
    }

    private static Quantity storage(ObjectNode claim) {
        JsonNode q = claim.path("spec").path("resources").path("requests").get("storage");
        try {
            return q == null ? null : Quantity.of(q);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
