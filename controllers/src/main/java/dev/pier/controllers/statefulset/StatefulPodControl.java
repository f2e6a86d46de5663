package dev.pier.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.controllers.history.TemplatePatch;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.SlowStart;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Carries out one sync's {@link PodPlan} for one StatefulSet (Kubernetes' StatefulPodControl): creates pods
 * with their claims first, deletes pods, repairs identities and claim owners, and records the events
 * {@code kubectl describe statefulset} shows, in Kubernetes' words.
 */
final class StatefulPodControl {
    private final Informer claims;
    private final EventRecorder events;
    private final ObjectKey key;
    private final ObjectNode set;
    private final JsonNode currentRevision;
    private final JsonNode updateRevision;
    private final ResourceClient podClient;
    private final ResourceClient claimClient;

    StatefulPodControl(LocalClient client, ResourceType podType, Informer claims, EventRecorder events, ObjectKey key,
                       ObjectNode set, JsonNode currentRevision, JsonNode updateRevision) {
        this.claims = claims;
        this.events = events;
        this.key = key;
        this.set = set;
        this.currentRevision = currentRevision;
        this.updateRevision = updateRevision;
        this.podClient = client.resource(key.cell(), podType);
        this.claimClient = client.resource(key.cell(), claims.type());
    }

    void carryOut(PodPlan.Plan plan) {
        List<PodPlan.Create> creates = new ArrayList<>();
        for (PodPlan.Action action : plan.actions()) {
            if (action instanceof PodPlan.Create c) {
                creates.add(c);
                continue;
            }
            createAll(creates);
            switch (action) {
                case PodPlan.Delete d -> delete(d.pod());
                case PodPlan.CreateClaims c -> {
                    ensureClaims(c.pod());
                    updateClaimOwners(c.pod());
                }
                case PodPlan.Repair r -> repair(r.pod());
                case PodPlan.Create c -> throw new AssertionError(c);
            }
        }
        createAll(creates);
    }

    /** Parallel sets create many pods in one sync: in slow-start batches. */
    private void createAll(List<PodPlan.Create> creates) {
        if (creates.isEmpty()) return;
        RuntimeException failed = SlowStart.run(List.copyOf(creates), this::create);
        creates.clear();
        if (failed != null) throw failed;
    }

    private void create(PodPlan.Create c) {
        JsonNode revision = c.atUpdateRevision() ? updateRevision : currentRevision;
        ObjectNode atRevision = TemplatePatch.apply(set, revision.path("data"));
        ObjectNode pod = StatefulPods.build(atRevision, c.ordinal(), revision.path("metadata").path("name").asText());
        String name = pod.path("metadata").path("name").asText();
        try {
            ensureClaims(pod);
            ObjectNode created = podClient.create(key.namespace(), pod);
            event("create", name, null);
            updateClaimOwners(created);
        } catch (ApiException e) {
            event("create", name, e);
            throw e;
        }
    }

    private void delete(JsonNode pod) {
        String name = pod.path("metadata").path("name").asText();
        try {
            podClient.delete(key.namespace(), name, new DeleteOptions(Owners.uid(pod), "", -1, "", false));
            event("delete", name, null);
        } catch (ApiException e) {
            if (e.code() == 404) return;
            event("delete", name, e);
            throw e;
        }
    }

    /**
     * Creates the pod's claims that do not exist yet; a claim being deleted must go before the pod can use
     * it. Whether a claim was created.
     */
    private boolean ensureClaims(JsonNode pod) {
        String podName = pod.path("metadata").path("name").asText();
        boolean created = false;
        for (ObjectNode claim : StatefulPods.claims(set, Ordinals.of(podName))) {
            String name = claim.path("metadata").path("name").asText();
            Optional<ObjectNode> existing = claims.get(key.sibling(name));
            if (existing.isPresent()) {
                if (Owners.isBeingDeleted(existing.get())) {
                    throw ApiException.conflict("", "persistentvolumeclaims", name, "pvc " + name + " is being deleted");
                }
                continue;
            }
            try {
                claimClient.create(key.namespace(), claim);
                created = true;
                events.normal(key.cell(), set, StatefulSetController.COMPONENT, "SuccessfulCreate",
                        "create Claim " + name + " Pod " + podName + " in StatefulSet " + setName() + " success");
            } catch (ApiException e) {
                if (e.code() == 409) continue; // created meanwhile
                events.warning(key.cell(), set, StatefulSetController.COMPONENT, "FailedCreate", "create Claim " + name + " for Pod " + podName
                        + " in StatefulSet " + setName() + " failed error: " + e.getMessage());
                throw e;
            }
        }
        return created;
    }

    /** Sets the owner references of the pod's claims as the retention policy wants them; whether any changed. */
    private boolean updateClaimOwners(JsonNode pod) {
        boolean changed = false;
        for (ObjectNode template : StatefulPods.claims(set, Ordinals.of(pod.path("metadata").path("name").asText()))) {
            Optional<ObjectNode> existing = claims.get(key.sibling(template.path("metadata").path("name").asText()));
            if (existing.isEmpty() || ClaimRetention.upToDate(existing.get(), set, pod)) continue;
            ObjectNode claim = existing.get();
            ObjectNode patch = Owners.ownerReferencesPatch(ClaimRetention.ownerReferences(claim, set, pod));
            try {
                claimClient.patch(key.namespace(), claim.path("metadata").path("name").asText(), Owners.uid(claim),
                        PatchType.MERGE, patch, false);
                changed = true;
            } catch (ApiException e) {
                if (e.code() != 404) throw e;
            }
        }
        return changed;
    }

    /**
     * Identity labels, missing claims and claim owners of a pod that drifted (an adopted pod, say). A running
     * pod's volumes cannot change, so a pod without its claim volumes keeps what it has, as it would on
     * Kubernetes, where that update is refused.
     */
    private void repair(JsonNode pod) {
        String name = pod.path("metadata").path("name").asText();
        try {
            boolean wrote = false;
            if (!StatefulPods.identityMatches(set, pod)) {
                ObjectNode labels = JsonNodeFactory.instance.objectNode();
                labels.put(StatefulPods.POD_NAME_LABEL, name);
                labels.put(StatefulPods.POD_INDEX_LABEL, Integer.toString(Ordinals.of(name)));
                ObjectNode patch = JsonNodeFactory.instance.objectNode();
                patch.putObject("metadata").set("labels", labels);
                podClient.patch(key.namespace(), name, Owners.uid(pod), PatchType.MERGE, patch, false);
                wrote = true;
            }
            if (!StatefulPods.storageMatches(set, pod)) wrote |= ensureClaims(pod);
            wrote |= updateClaimOwners(pod);
            if (wrote) event("update", name, null);
        } catch (ApiException e) {
            if (e.code() == 404) return;
            event("update", name, e);
            throw e;
        }
    }

    private void event(String verb, String podName, ApiException failure) {
        String what = verb + " Pod " + podName + " in StatefulSet " + setName();
        String reason = (failure == null ? "Successful" : "Failed") + Character.toUpperCase(verb.charAt(0)) + verb.substring(1);
        if (failure == null) events.normal(key.cell(), set, StatefulSetController.COMPONENT, reason, what + " successful");
        else events.warning(key.cell(), set, StatefulSetController.COMPONENT, reason, what + " failed error: " + failure.getMessage());
    }

    private String setName() {
        return set.path("metadata").path("name").asText();
    }
}
