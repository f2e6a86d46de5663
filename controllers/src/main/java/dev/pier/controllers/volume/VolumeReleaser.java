package dev.pier.controllers.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.resources.Tree;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The volume half of Kubernetes' PersistentVolume controller: a volume without a claim is Available;
 * one whose bound claim is gone is Released and keeps its claimRef, so its data is not handed to
 * another claim. What happens to a Released volume is its reclaim policy's business: Retain keeps it
 * until an administrator clears the claimRef (then it is Available again); Delete is done by the
 * provisioner that made the volume (Pier's block storage deleter for {@code block.pier.dev}).
 */
public final class VolumeReleaser implements Reconciler<ObjectKey> {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeReleaser.class);

    private final LocalClient client;
    private final Informer volumes;
    private final Informer claims;
    private final EventRecorder events;

    public VolumeReleaser(LocalClient client, Informer volumes, Informer claims, EventRecorder events, WorkQueue<ObjectKey> queue) {
        this.client = client;
        this.volumes = volumes;
        this.claims = claims;
        this.events = events;
        volumes.addHandler(EventHandler.onChange((cell, pv) -> queue.add(ObjectKey.of(cell, pv))));
        claims.addHandler(EventHandler.onChange((cell, claim) -> {
            String volume = Tree.text(claim.path("spec"), "volumeName");
            if (!volume.isEmpty()) queue.add(new ObjectKey(cell, "", volume));
        }));
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = volumes.get(key);
        if (found.isEmpty()) return Result.done();
        ObjectNode pv = found.get();
        JsonNode ref = pv.path("spec").path("claimRef");
        String phase = Tree.text(pv.path("status"), "phase");
        ResourceClient client = this.client.resource(key.cell(), volumes.type());
        if (!ref.isObject()) {
            if (!phase.equals("Available") && !phase.equals("Failed")) ClaimBinder.setPhase(client, pv, "Available");
            return Result.done();
        }
        String uid = Tree.text(ref, "uid");
        Optional<ObjectNode> claim = claims.get(new ObjectKey(key.cell(), Tree.text(ref, "namespace"), Tree.text(ref, "name")));
        boolean sameClaim = claim.isPresent() && (uid.isEmpty() || uid.equals(Tree.text(claim.get().path("metadata"), "uid")));
        if (uid.isEmpty()) {
            // pre-bound by an administrator or a provisioner: free until the claim side binds it
            if (phase.isEmpty() || phase.equals("Pending")) ClaimBinder.setPhase(client, pv, "Available");
            return Result.done();
        }
        if (sameClaim) {
            boolean claimNamesUs = Tree.text(claim.get().path("spec"), "volumeName").equals(key.name());
            if (claimNamesUs) ClaimBinder.setPhase(client, pv, "Bound");
            else if (phase.isEmpty() || phase.equals("Pending")) ClaimBinder.setPhase(client, pv, "Available");
            return Result.done();
        }
        if (phase.equals("Bound") || phase.equals("Available") || phase.equals("Pending")) {
            ClaimBinder.setPhase(client, pv, "Released");
            LOG.info("cell {}: volume {} released (claim {}/{} gone), reclaim policy {}", key.cell(), key.name(),
                    Tree.text(ref, "namespace"), Tree.text(ref, "name"), Tree.text(pv.path("spec"), "persistentVolumeReclaimPolicy"));
            if (Tree.text(pv.path("spec"), "persistentVolumeReclaimPolicy").equals("Delete")
                    && Tree.text(pv.path("metadata").path("annotations"), "pv.kubernetes.io/provisioned-by").isEmpty()) {
                events.warning(key.cell(), pv, ClaimBinder.COMPONENT, "VolumeFailedDelete",
                        "error getting deleter volume plugin for volume \"" + key.name() + "\": no deletable volume plugin matched");
            }
        }
        return Result.done();
    }
}
