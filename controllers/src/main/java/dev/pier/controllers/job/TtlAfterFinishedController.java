package dev.pier.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Deletes finished Jobs {@code ttlSecondsAfterFinished} after they finished, with their pods (foreground
 * propagation), as Kubernetes' ttl-after-finished controller does. A job not yet due is looked at again
 * when it is; before deleting, the job is read again from the API, so a TTL changed meanwhile wins.
 */
public final class TtlAfterFinishedController implements Reconciler<ObjectKey> {
    private static final Logger LOG = LoggerFactory.getLogger(TtlAfterFinishedController.class);

    private final LocalClient client;
    private final Informer jobs;
    private final Clock clock;

    private TtlAfterFinishedController(LocalClient client, Informer jobs, Clock clock) {
        this.client = client;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** The controller, with its handler on the jobs informer registered. */
    public static TtlAfterFinishedController create(LocalClient client, Informer jobs, WorkQueue<ObjectKey> queue, Clock clock) {
        jobs.addHandler(EventHandler.onChange((cell, job) -> {
            if (needsCleanup(job)) queue.add(ObjectKey.of(cell, job));
        }));
        return new TtlAfterFinishedController(client, jobs, clock);
    }

    static boolean needsCleanup(JsonNode job) {
        return job.path("spec").hasNonNull("ttlSecondsAfterFinished") && JobStatus.isFinished(job) && !Owners.isBeingDeleted(job);
    }

    /** When the TTL of a finished job runs out: the time its Complete or Failed condition became true, plus the TTL. */
    static Optional<Instant> expiresAt(JsonNode job) {
        for (JsonNode c : job.path("status").path("conditions")) {
            String type = c.path("type").asText();
            if ((type.equals(JobStatus.COMPLETE) || type.equals(JobStatus.FAILED)) && c.path("status").asText().equals("True")) {
                String at = c.path("lastTransitionTime").asText("");
                if (at.isEmpty()) return Optional.empty();
                return Optional.of(Instant.parse(at).plusSeconds(job.path("spec").path("ttlSecondsAfterFinished").asLong()));
            }
        }
        return Optional.empty();
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> cached = jobs.get(key);
        if (cached.isEmpty() || !needsCleanup(cached.get())) return Result.done();
        Optional<Duration> left = timeLeft(cached.get());
        if (left.isEmpty()) return Result.done();
        if (left.get().isPositive()) return Result.requeueAfter(left.get());
        ResourceClient jobClient = client.resource(key.cell(), jobs.type());
        Optional<ObjectNode> fresh = jobClient.find(key.namespace(), key.name());
        if (fresh.isEmpty() || !needsCleanup(fresh.get())) return Result.done();
        left = timeLeft(fresh.get());
        if (left.isEmpty()) return Result.done();
        if (left.get().isPositive()) return Result.requeueAfter(left.get());
        try {
            jobClient.delete(key.namespace(), key.name(), new DeleteOptions(Owners.uid(fresh.get()), "", -1, "Foreground", false));
            LOG.debug("deleted finished job {} after its ttlSecondsAfterFinished", key);
        } catch (ApiException e) {
            if (e.code() != 404) throw e;
        }
        return Result.done();
    }

    private Optional<Duration> timeLeft(JsonNode job) {
        Optional<Instant> at = expiresAt(job);
        if (at.isEmpty()) LOG.warn("job {} is finished but tells no finish time; not deleting it", Owners.uid(job));
        return at.map(t -> Duration.between(clock.instant(), t));
    }
}
