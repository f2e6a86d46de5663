package dev.pier.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.apiserver.resources.LabelSelectors;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Pods;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static dev.pier.controllers.runtime.Writes.ignoreGone;

/**
 * Rolls Deployments out through ReplicaSets, after Kubernetes' deployment controller: one ReplicaSet per
 * pod template (named by the template's hash, numbered by revision annotations), RollingUpdate within
 * maxSurge and maxUnavailable or Recreate, proportional scaling during a rollout, pause and resume,
 * revisionHistoryLimit, progressDeadlineSeconds, and the Available and Progressing conditions that
 * {@code kubectl rollout status} reads.
 */
public final class DeploymentController implements Reconciler<ObjectKey> {
    static final String COMPONENT = "deployment-controller";

    private final LocalClient client;
    private final Informer deployments;
    private final Informer replicaSets;
    private final Informer pods;
    private final EventRecorder events;
    private final WorkQueue<ObjectKey> queue;
    private final Clock clock;

    public DeploymentController(LocalClient client, Informer deployments, Informer replicaSets, Informer pods,
                                EventRecorder events, WorkQueue<ObjectKey> queue, Clock clock) {
        this.client = client;
        this.deployments = deployments;
        this.replicaSets = replicaSets;
        this.pods = pods;
        this.events = events;
        this.queue = queue;
        this.clock = clock;
        deployments.addHandler(EventHandler.onChange((cell, d) -> queue.add(ObjectKey.of(cell, d))));
        replicaSets.addHandler(EventHandler.onChange(this::enqueueOwner));
        // Recreate waits for the old pods to be gone: their deletions wake it
        pods.addHandler(new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode pod) {
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                Owners.controllerOf(last).ifPresent(ref -> replicaSets.get(new ObjectKey(cell,
                        last.path("metadata").path("namespace").asText(), ref.path("name").asText()))
                        .ifPresent(rs -> enqueueOwner(cell, rs)));
            }
        });
    }

    private void enqueueOwner(String cell, ObjectNode rs) {
        Optional<JsonNode> ref = Owners.controllerOf(rs);
        String namespace = rs.path("metadata").path("namespace").asText();
        if (ref.isPresent()) {
            if (ref.get().path("kind").asText().equals("Deployment")) {
                queue.add(new ObjectKey(cell, namespace, ref.get().path("name").asText()));
            }
            return;
        }
        for (ObjectNode d : deployments.list(cell, namespace)) {
            if (selects(d, rs)) queue.add(ObjectKey.of(cell, d));
        }
    }

    private static boolean selects(JsonNode deployment, JsonNode rs) {
        JsonNode selector = deployment.path("spec").path("selector");
        return !LabelSelectors.isEmpty(selector) && LabelSelectors.matches(selector, rs.path("metadata").path("labels"));
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = deployments.get(key);
        if (found.isEmpty()) return Result.done();
        Rollout r = new Rollout(key, found.get().deepCopy(), claimReplicaSets(key, found.get()));
        if (Owners.isBeingDeleted(r.deployment)) return syncStatus(r, false);
        if (paused(r.deployment)) {
            scale(r);
            cleanup(r);
            return syncStatus(r, false);
        }
        if (isScalingEvent(r)) {
            scale(r);
            return syncStatus(r, false);
        }
        boolean recreate = r.deployment.path("spec").path("strategy").path("type").asText("RollingUpdate").equals("Recreate");
        return recreate ? rolloutRecreate(r) : rolloutRolling(r);
    }

    /** The state of one sync: the deployment and its ReplicaSets, updated as this sync writes them. */
    private final class Rollout {
        final ObjectKey key;
        ObjectNode deployment;
        final List<JsonNode> owned;
        JsonNode newRs;
        String progressReason;

        Rollout(ObjectKey key, ObjectNode deployment, List<JsonNode> owned) {
            this.key = key;
            this.deployment = deployment;
            this.owned = owned;
            this.newRs = ReplicaSets.findNew(deployment, owned);
        }

        List<JsonNode> old() {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode rs : owned) if (rs != newRs) out.add(rs);
            return out;
        }

        void replace(JsonNode before, JsonNode after) {
            owned.replaceAll(rs -> rs == before ? after : rs);
            if (newRs == before) newRs = after;
        }

        ResourceClient rsClient() {
            return client.resource(key.cell(), replicaSets.type());
        }
    }

    // ------------------------------------------------------------------ adoption

    private List<JsonNode> claimReplicaSets(ObjectKey key, ObjectNode deployment) {
        String uid = Owners.uid(deployment);
        ResourceClient rsClient = client.resource(key.cell(), replicaSets.type());
        List<JsonNode> owned = new ArrayList<>();
        for (ObjectNode rs : replicaSets.list(key.cell(), key.namespace())) {
            Optional<JsonNode> ref = Owners.controllerOf(rs);
            String name = rs.path("metadata").path("name").asText();
            if (ref.isPresent()) {
                if (!ref.get().path("uid").asText().equals(uid)) continue;
                if (selects(deployment, rs)) owned.add(rs);
                else if (!Owners.isBeingDeleted(rs)) {
                    ArrayNode refs = Json.object().arrayNode();
                    for (JsonNode x : rs.path("metadata").path("ownerReferences")) if (!x.path("uid").asText().equals(uid)) refs.add(x);
                    ignoreGone(() -> rsClient.patch(key.namespace(), name, Owners.uid(rs), PatchType.MERGE, Owners.ownerReferencesPatch(refs), false));
                }
            } else if (selects(deployment, rs) && !Owners.isBeingDeleted(deployment) && !Owners.isBeingDeleted(rs)) {
                ArrayNode refs = Json.object().arrayNode();
                rs.path("metadata").path("ownerReferences").forEach(refs::add);
                refs.add(Owners.controllerRef(deployment));
                JsonNode adopted = ignoreGone(() -> rsClient.patch(key.namespace(), name, Owners.uid(rs), PatchType.MERGE,
                        Owners.ownerReferencesPatch(refs), false));
                if (adopted != null) owned.add(adopted);
            }
        }
        return owned;
    }

    // ------------------------------------------------------------------ strategies

    private Result rolloutRolling(Rollout r) {
        ensureNewReplicaSet(r);
        int desired = RolloutMath.replicas(r.deployment);
        RolloutMath.Limits limits = RolloutMath.limits(r.deployment);
        if (r.newRs != null) {
            int current = ReplicaSets.specReplicas(r.newRs);
            int target = current > desired ? desired
                    : RolloutMath.newReplicaSetReplicas(desired, limits.maxSurge(), specTotal(r.owned), current);
            if (target != current) {
                scaleReplicaSet(r, r.newRs, target);
                return syncStatus(r, true);
            }
        }
        if (scaleDownOld(r, desired, limits)) return syncStatus(r, true);
        Result result = syncStatus(r, true);
        if (DeploymentStatus.complete(r.deployment, r.deployment.path("status"))) cleanup(r);
        return result;
    }

    /** Old ReplicaSets shrink while enough pods stay available: unhealthy pods first, then oldest sets first. */
    private boolean scaleDownOld(Rollout r, int desired, RolloutMath.Limits limits) {
        List<JsonNode> old = ReplicaSets.withReplicas(r.old());
        if (old.isEmpty()) return false;
        int minAvailable = desired - limits.maxUnavailable();
        int newUnavailable = r.newRs == null ? 0
                : ReplicaSets.specReplicas(r.newRs) - ReplicaSets.status(r.newRs, "availableReplicas");
        int maxScaledDown = specTotal(r.owned) - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) return false;

        boolean scaled = false;
        int cleaned = 0;
        old.sort(ReplicaSets.OLDEST_FIRST);
        for (JsonNode rs : old) {
            if (cleaned >= maxScaledDown) break;
            int spec = ReplicaSets.specReplicas(rs);
            int unhealthy = spec - ReplicaSets.status(rs, "availableReplicas");
            if (spec == 0 || unhealthy <= 0) continue;
            int down = Math.min(maxScaledDown - cleaned, unhealthy);
            scaleReplicaSet(r, rs, spec - down);
            cleaned += down;
            scaled = true;
        }
        int available = 0;
        for (JsonNode rs : r.owned) available += ReplicaSets.status(rs, "availableReplicas");
        int canRemove = available - minAvailable;
        if (canRemove <= 0) return scaled;
        List<JsonNode> stillOld = ReplicaSets.withReplicas(r.old());
        stillOld.sort(ReplicaSets.OLDEST_FIRST);
        int removed = 0;
        for (JsonNode rs : stillOld) {
            if (removed >= canRemove) break;
            int spec = ReplicaSets.specReplicas(rs);
            int down = Math.min(spec, canRemove - removed);
            scaleReplicaSet(r, rs, spec - down);
            removed += down;
            scaled = true;
        }
        return scaled;
    }

    private Result rolloutRecreate(Rollout r) {
        boolean scaledDown = false;
        for (JsonNode rs : ReplicaSets.withReplicas(r.old())) {
            scaleReplicaSet(r, rs, 0);
            scaledDown = true;
        }
        if (scaledDown) return syncStatus(r, true);
        if (oldPodsRemain(r)) return syncStatus(r, true);
        ensureNewReplicaSet(r);
        int desired = RolloutMath.replicas(r.deployment);
        if (r.newRs != null && ReplicaSets.specReplicas(r.newRs) != desired) {
            scaleReplicaSet(r, r.newRs, desired);
            return syncStatus(r, true);
        }
        Result result = syncStatus(r, true);
        if (DeploymentStatus.complete(r.deployment, r.deployment.path("status"))) cleanup(r);
        return result;
    }

    /** Recreate starts new pods only once no pod of an old ReplicaSet is left (or all have finished). */
    private boolean oldPodsRemain(Rollout r) {
        for (JsonNode rs : r.old()) {
            if (ReplicaSets.status(rs, "replicas") > 0) return true;
            String uid = Owners.uid(rs);
            for (ObjectNode pod : pods.list(r.key.cell(), r.key.namespace())) {
                if (Owners.isControlledBy(pod, uid)) {
                    String phase = Pods.phase(pod);
                    if (!phase.equals("Succeeded") && !phase.equals("Failed")) return true;
                }
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ the new ReplicaSet

    /**
     * Makes sure the deployment's template has its ReplicaSet, at the next revision: an old ReplicaSet with
     * the same template is taken back (its old revision remembered), otherwise a new one is created.
     */
    private void ensureNewReplicaSet(Rollout r) {
        long maxOld = 0;
        for (JsonNode rs : r.old()) maxOld = Math.max(maxOld, ReplicaSets.revision(rs));
        long nextRevision = maxOld + 1;
        RolloutMath.Limits limits = RolloutMath.limits(r.deployment);
        int desired = RolloutMath.replicas(r.deployment);
        if (r.newRs != null) {
            long current = ReplicaSets.revision(r.newRs);
            ObjectNode annotations = r.newRs.path("metadata").path("annotations").isObject()
                    ? r.newRs.path("metadata").path("annotations").deepCopy() : Json.object();
            ObjectNode wanted = annotations.deepCopy();
            ReplicaSets.copyAnnotations(r.deployment, wanted);
            if (current < nextRevision) {
                wanted.put(ReplicaSets.REVISION, Long.toString(nextRevision));
                if (current > 0) {
                    String history = annotations.path(ReplicaSets.REVISION_HISTORY).asText("");
                    wanted.put(ReplicaSets.REVISION_HISTORY, history.isEmpty() ? Long.toString(current) : history + "," + current);
                }
            }
            if (!wanted.equals(annotations)) {
                ObjectNode patch = Json.object();
                patch.putObject("metadata").set("annotations", wanted);
                JsonNode before = r.newRs;
                JsonNode after = ignoreGone(() -> r.rsClient().patch(r.key.namespace(), before.path("metadata").path("name").asText(),
                        Owners.uid(before), PatchType.MERGE, patch, false));
                if (after != null) r.replace(before, after);
            }
            if (DeploymentStatus.condition(r.deployment.path("status"), DeploymentStatus.PROGRESSING) == null) {
                r.progressReason = "FoundNewReplicaSet";
            }
            setDeploymentRevision(r, ReplicaSets.revision(r.newRs));
            return;
        }
        int collisions = r.deployment.path("status").path("collisionCount").asInt(0);
        for (int attempt = 0; attempt < 5; attempt++) {
            String hash = ReplicaSets.templateHash(r.deployment.path("spec").path("template"), collisions);
            int replicas = RolloutMath.newReplicaSetReplicas(desired, limits.maxSurge(), specTotal(r.owned), 0);
            boolean recreate = r.deployment.path("spec").path("strategy").path("type").asText().equals("Recreate");
            if (recreate) replicas = desired;
            ObjectNode rs = ReplicaSets.build(r.deployment, hash, replicas, nextRevision, limits.maxSurge());
            try {
                JsonNode created = r.rsClient().create(r.key.namespace(), rs);
                r.owned.add(created);
                r.newRs = created;
                r.progressReason = "NewReplicaSetCreated";
                if (replicas > 0) {
                    events.normal(r.key.cell(), r.deployment, COMPONENT, "ScalingReplicaSet",
                            "Scaled up replica set " + created.path("metadata").path("name").asText() + " from 0 to " + replicas);
                }
                setDeploymentRevision(r, nextRevision);
                return;
            } catch (ApiException e) {
                if (e.code() != 409) throw e;
                // A ReplicaSet of that name exists: ours with this template (the informer lags), or a hash collision.
                Optional<ObjectNode> existing = r.rsClient().find(r.key.namespace(), rs.path("metadata").path("name").asText());
                if (existing.isPresent() && Owners.isControlledBy(existing.get(), Owners.uid(r.deployment))
                        && ReplicaSets.runsTemplate(existing.get(), r.deployment)) {
                    r.owned.add(existing.get());
                    r.newRs = existing.get();
                    return;
                }
                collisions++;
                ObjectNode status = r.deployment.path("status").isObject() ? (ObjectNode) r.deployment.path("status") : r.deployment.putObject("status");
                status.put("collisionCount", collisions);
            }
        }
        throw ApiException.conflict("apps", "replicasets", r.key.name(), "could not find a free name for the new ReplicaSet");
    }

    private void setDeploymentRevision(Rollout r, long revision) {
        String value = Long.toString(revision);
        if (r.deployment.path("metadata").path("annotations").path(ReplicaSets.REVISION).asText("").equals(value)) return;
        ObjectNode patch = Json.object();
        patch.putObject("metadata").putObject("annotations").put(ReplicaSets.REVISION, value);
        ObjectNode updated = ignoreGone(() -> client.resource(r.key.cell(), deployments.type())
                .patch(r.key.namespace(), r.key.name(), Owners.uid(r.deployment), PatchType.MERGE, patch, false));
        if (updated != null) {
            if (r.deployment.has("status")) updated.set("status", r.deployment.get("status")); // keep a collisionCount not yet written
            r.deployment = updated;
        }
    }

    // ------------------------------------------------------------------ scaling

    /** A resize outside a template change: some active ReplicaSet was sized for another replica count. */
    private boolean isScalingEvent(Rollout r) {
        int desired = RolloutMath.replicas(r.deployment);
        for (JsonNode rs : ReplicaSets.withReplicas(r.owned)) {
            String annotated = rs.path("metadata").path("annotations").path(ReplicaSets.DESIRED_REPLICAS).asText("");
            if (!annotated.isEmpty() && !annotated.equals(Integer.toString(desired))) return true;
        }
        return false;
    }

    /** Scales to spec.replicas: the one active ReplicaSet directly, several in proportion to their sizes. */
    private void scale(Rollout r) {
        int desired = RolloutMath.replicas(r.deployment);
        List<JsonNode> active = ReplicaSets.withReplicas(r.owned);
        JsonNode only = active.size() == 1 ? active.getFirst()
                : active.isEmpty() ? (r.newRs != null ? r.newRs : r.owned.stream().max(Comparator.comparing(ReplicaSets::revision)).orElse(null))
                : null;
        if (only != null || active.isEmpty()) {
            if (only != null && ReplicaSets.specReplicas(only) != desired) scaleReplicaSet(r, only, desired);
            return;
        }
        if (r.newRs != null && ReplicaSets.specReplicas(r.newRs) == desired
                && ReplicaSets.status(r.newRs, "availableReplicas") == desired) {
            for (JsonNode rs : ReplicaSets.withReplicas(r.old())) scaleReplicaSet(r, rs, 0);
            return;
        }
        RolloutMath.Limits limits = RolloutMath.limits(r.deployment);
        int allowed = desired > 0 ? desired + limits.maxSurge() : 0;
        int toAdd = allowed - specTotal(active);
        List<JsonNode> ordered = new ArrayList<>(active);
        Comparator<JsonNode> bySize = Comparator.comparing(ReplicaSets::specReplicas);
        ordered.sort(toAdd > 0 ? bySize.reversed().thenComparing(ReplicaSets.OLDEST_FIRST.reversed())
                : bySize.reversed().thenComparing(ReplicaSets.OLDEST_FIRST));
        int added = 0;
        int[] sizes = new int[ordered.size()];
        for (int i = 0; i < ordered.size(); i++) {
            JsonNode rs = ordered.get(i);
            int max = rs.path("metadata").path("annotations").path(ReplicaSets.MAX_REPLICAS).asInt(
                    r.deployment.path("status").path("replicas").asInt(1));
            int p = RolloutMath.proportion(ReplicaSets.specReplicas(rs), max, desired, limits.maxSurge(), toAdd, added);
            sizes[i] = ReplicaSets.specReplicas(rs) + p;
            added += p;
        }
        if (!ordered.isEmpty()) sizes[0] += toAdd - added; // what rounding left over goes to the largest
        for (int i = 0; i < ordered.size(); i++) {
            scaleReplicaSet(r, ordered.get(i), Math.max(sizes[i], 0));
        }
    }

    /** Sets a ReplicaSet's replicas and the sizes it was set for, and records the event kubectl describe shows. */
    private void scaleReplicaSet(Rollout r, JsonNode rs, int replicas) {
        int from = ReplicaSets.specReplicas(rs);
        int desired = RolloutMath.replicas(r.deployment);
        String max = Integer.toString(desired + RolloutMath.limits(r.deployment).maxSurge());
        JsonNode annotations = rs.path("metadata").path("annotations");
        if (from == replicas && annotations.path(ReplicaSets.DESIRED_REPLICAS).asText().equals(Integer.toString(desired))
                && annotations.path(ReplicaSets.MAX_REPLICAS).asText().equals(max)) {
            return;
        }
        ObjectNode patch = Json.object();
        patch.putObject("spec").put("replicas", replicas);
        patch.putObject("metadata").putObject("annotations")
                .put(ReplicaSets.DESIRED_REPLICAS, Integer.toString(desired))
                .put(ReplicaSets.MAX_REPLICAS, max);
        String name = rs.path("metadata").path("name").asText();
        JsonNode after = ignoreGone(() -> r.rsClient().patch(r.key.namespace(), name, Owners.uid(rs), PatchType.MERGE, patch, false));
        if (after == null) return;
        r.replace(rs, after);
        if (from != replicas) {
            events.normal(r.key.cell(), r.deployment, COMPONENT, "ScalingReplicaSet",
                    "Scaled " + (replicas > from ? "up" : "down") + " replica set " + name + " from " + from + " to " + replicas);
        }
    }

    /** Deletes the oldest empty ReplicaSets beyond revisionHistoryLimit. */
    private void cleanup(Rollout r) {
        int limit = r.deployment.path("spec").path("revisionHistoryLimit").asInt(10);
        List<JsonNode> empty = new ArrayList<>();
        for (JsonNode rs : r.old()) {
            if (ReplicaSets.specReplicas(rs) == 0 && ReplicaSets.status(rs, "replicas") == 0 && !Owners.isBeingDeleted(rs)) empty.add(rs);
        }
        if (empty.size() <= limit) return;
        empty.sort(Comparator.comparing(ReplicaSets::revision).thenComparing(ReplicaSets.OLDEST_FIRST));
        for (JsonNode rs : empty.subList(0, empty.size() - limit)) {
            ignoreGone(() -> r.rsClient().delete(r.key.namespace(), rs.path("metadata").path("name").asText(),
                    new DeleteOptions(Owners.uid(rs), "", -1, "", false)));
        }
    }

    // ------------------------------------------------------------------ status

    private Result syncStatus(Rollout r, boolean rolling) {
        Instant now = clock.instant();
        JsonNode old = r.deployment.path("status");
        ObjectNode status = DeploymentStatus.calculate(r.deployment, r.newRs, r.owned, now);
        long deadline = r.deployment.path("spec").path("progressDeadlineSeconds").asLong(600);
        boolean hasDeadline = deadline != Integer.MAX_VALUE;
        String rsName = r.newRs == null ? "" : r.newRs.path("metadata").path("name").asText();
        JsonNode progressing = DeploymentStatus.condition(status, DeploymentStatus.PROGRESSING);
        Result result = Result.done();

        if (paused(r.deployment)) {
            if (progressing == null || !progressing.path("reason").asText().equals("DeploymentPaused")) {
                DeploymentStatus.set(status, DeploymentStatus.PROGRESSING, "Unknown", "DeploymentPaused", "Deployment is paused", now);
            }
        } else if (progressing != null && progressing.path("reason").asText().equals("DeploymentPaused")) {
            DeploymentStatus.set(status, DeploymentStatus.PROGRESSING, "Unknown", "DeploymentResumed", "Deployment is resumed", now);
        } else if (!hasDeadline) {
            DeploymentStatus.remove(status, DeploymentStatus.PROGRESSING);
        } else if (rolling && r.newRs != null) {
            boolean timedOut = progressing != null && progressing.path("reason").asText().equals("ProgressDeadlineExceeded");
            if (DeploymentStatus.complete(r.deployment, status)) {
                DeploymentStatus.set(status, DeploymentStatus.PROGRESSING, "True", "NewReplicaSetAvailable",
                        "ReplicaSet \"" + rsName + "\" has successfully progressed.", now);
            } else if (r.progressReason != null) {
                String message = r.progressReason.equals("NewReplicaSetCreated") ? "Created new replica set \"" + rsName + "\""
                        : "Found new replica set \"" + rsName + "\"";
                DeploymentStatus.set(status, DeploymentStatus.PROGRESSING, "True", r.progressReason, message, now);
                result = Result.requeueAfter(Duration.ofSeconds(deadline));
            } else if (progressing == null || DeploymentStatus.progressed(old, status) && !timedOut) {
                DeploymentStatus.setCondition(status, DeploymentStatus.PROGRESSING, "True", "ReplicaSetUpdated",
                        "ReplicaSet \"" + rsName + "\" is progressing.", now, true);
                result = Result.requeueAfter(Duration.ofSeconds(deadline));
            } else if (!timedOut) {
                Instant last = Instant.parse(progressing.path("lastUpdateTime").asText(now.toString()));
                Instant due = last.plusSeconds(deadline);
                if (!now.isBefore(due)) {
                    DeploymentStatus.set(status, DeploymentStatus.PROGRESSING, "False", "ProgressDeadlineExceeded",
                            "ReplicaSet \"" + rsName + "\" has timed out progressing.", now);
                    events.warning(r.key.cell(), r.deployment, COMPONENT, "ProgressDeadlineExceeded",
                            "ReplicaSet \"" + rsName + "\" has timed out progressing.");
                } else {
                    result = Result.requeueAfter(Duration.between(now, due).plusSeconds(1));
                }
            }
        }
        replicaFailure(r, status, now);
        if (status.path("conditions").isEmpty()) status.remove("conditions");
        if (!Json.sameValues(status, old)) {
            ObjectNode next = r.deployment.deepCopy();
            next.withObject("metadata").remove("resourceVersion");
            next.set("status", status);
            ObjectNode written = ignoreGone(() -> client.resource(r.key.cell(), deployments.type()).updateStatus(next));
            if (written != null) r.deployment = written;
        } else {
            r.deployment.set("status", status);
        }
        return result;
    }

    /** A ReplicaSet that cannot create pods makes the Deployment say so (ReplicaFailure). */
    private static void replicaFailure(Rollout r, ObjectNode status, Instant now) {
        JsonNode failure = null;
        for (JsonNode rs : r.owned) {
            for (JsonNode c : rs.path("status").path("conditions")) {
                if (c.path("type").asText().equals("ReplicaFailure") && c.path("status").asText().equals("True")) failure = c;
            }
        }
        if (failure != null) {
            DeploymentStatus.set(status, "ReplicaFailure", "True", failure.path("reason").asText(), failure.path("message").asText(), now);
        } else {
            DeploymentStatus.remove(status, "ReplicaFailure");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static boolean paused(JsonNode deployment) {
        return deployment.path("spec").path("paused").asBoolean(false);
    }

    private static int specTotal(List<JsonNode> sets) {
        int total = 0;
        for (JsonNode rs : sets) total += ReplicaSets.specReplicas(rs);
        return total;
    }

}
