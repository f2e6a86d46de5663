package dev.pier.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;

import java.util.Optional;

/**
 * Removes the {@code batch.kubernetes.io/job-tracking} finalizer from pods no running Job will count any
 * more: pods whose job was deleted or finished, and pods orphaned from their job (Kubernetes' orphan pod
 * worker of the job controller). Keys are pods; the {@link JobController}'s handlers queue them.
 */
public final class OrphanPodFinalizers implements Reconciler<ObjectKey> {
    private final LocalClient client;
    private final Informer jobs;
    private final Informer pods;
    private final ResourceType podType;

    public OrphanPodFinalizers(LocalClient client, Informer jobs, Informer pods) {
        this.client = client;
        this.jobs = jobs;
        this.pods = pods;
        this.podType = pods.type();
    }

    @Override
    public Result sync(ObjectKey podKey) {
        Optional<ObjectNode> found = pods.get(podKey);
        if (found.isEmpty() || !JobPods.hasTrackingFinalizer(found.get())) return Result.done();
        ObjectNode pod = found.get();
        Optional<JsonNode> ref = Owners.controllerOf(pod);
        if (ref.isPresent()) {
            // another kind's pod keeps its finalizers; a live job counts its own pods
            if (!JobController.isJobRef(ref.get())) return Result.done();
            Optional<ObjectNode> job = jobs.get(podKey.sibling(ref.get().path("name").asText()))
                    .filter(j -> Owners.uid(j).equals(ref.get().path("uid").asText()));
            if (job.isPresent() && !JobStatus.isFinished(job.get())) return Result.done();
        }
        ObjectNode patch = Json.object();
        patch.putObject("metadata").putArray("$deleteFromPrimitiveList/finalizers").add(JobPods.TRACKING_FINALIZER);
        try {
            client.resource(podKey.cell(), podType).patch(podKey.namespace(), podKey.name(), Owners.uid(pod), PatchType.STRATEGIC, patch, false);
        } catch (ApiException e) {
            if (e.code() != 404) throw e;
        }
        return Result.done();
    }
}
