package dev.pier.controllers.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Starts a CronJob's Jobs on its schedule ({@link CronJobSync} decides, this class reads the informers and
 * writes through the API). A CronJob is synced again when it or one of its jobs changes, and at its next
 * activation. Schedules without {@code timeZone} are read in the zone of the injected clock (UTC for the
 * server), as kube-controller-manager reads them in its own.
 */
public final class CronJobController implements Reconciler<ObjectKey> {
    static final String COMPONENT = "cronjob-controller";

    private final LocalClient client;
    private final Informer cronJobs;
    private final Informer jobs;
    private final EventRecorder events;
    private final Clock clock;

    private CronJobController(LocalClient client, Informer cronJobs, Informer jobs, EventRecorder events, Clock clock) {
        this.client = client;
        this.cronJobs = cronJobs;
        this.jobs = jobs;
        this.events = events;
        this.clock = clock;
    }

    /** The controller, with its informer handlers registered. */
    public static CronJobController create(LocalClient client, Informer cronJobs, Informer jobs, EventRecorder events,
                                           WorkQueue<ObjectKey> queue, Clock clock) {
        CronJobController c = new CronJobController(client, cronJobs, jobs, events, clock);
        cronJobs.addHandler(EventHandler.onChange((cell, cj) -> queue.add(ObjectKey.of(cell, cj))));
        jobs.addHandler(new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode job) {
                c.owner(cell, job).ifPresent(queue::add);
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                if (!Owners.controllerOf(old).equals(Owners.controllerOf(current))) c.owner(cell, old).ifPresent(queue::add);
                c.owner(cell, current).ifPresent(queue::add);
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                c.owner(cell, last).ifPresent(queue::add);
            }
        });
        return c;
    }

    /** The key of the CronJob that controls the job, if it exists. */
    private Optional<ObjectKey> owner(String cell, JsonNode job) {
        Optional<JsonNode> ref = Owners.controllerOf(job);
        if (ref.isEmpty() || !ref.get().path("kind").asText().equals("CronJob")) return Optional.empty();
        ObjectKey key = new ObjectKey(cell, job.path("metadata").path("namespace").asText(), ref.get().path("name").asText());
        return cronJobs.get(key).filter(cj -> Owners.uid(cj).equals(ref.get().path("uid").asText())).map(cj -> key);
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = cronJobs.get(key);
        if (found.isEmpty()) return Result.done();
        ObjectNode cronJob = found.get();
        String uid = Owners.uid(cronJob);
        List<ObjectNode> children = jobs.list(key.cell(), key.namespace()).stream().filter(j -> Owners.isControlledBy(j, uid)).toList();
        CronJobSync.Outcome outcome = new CronJobSync(cronJob, children, clock.instant(), clock.getZone(), new ClientActions(key, cronJob)).run();
        if (outcome.statusChanged()) {
            ObjectNode next = cronJob.deepCopy();
            next.set("status", outcome.status());
            try {
                client.resource(key.cell(), cronJobs.type()).updateStatus(next);
            } catch (ApiException e) {
                if (e.code() == 404) return Result.done();
                throw e;
            }
        }
        if (outcome.requeueAfter() != null) {
            Duration after = outcome.requeueAfter();
            return Result.requeueAfter(after.isNegative() ? Duration.ZERO : after);
        }
        if (outcome.error() != null) throw outcome.error();
        return Result.done();
    }

    /** The API and the event recorder, for one CronJob. */
    private final class ClientActions implements CronJobActions {
        private final ObjectKey key;
        private final ObjectNode cronJob;
        private final ResourceClient jobClient;

        ClientActions(ObjectKey key, ObjectNode cronJob) {
            this.key = key;
            this.cronJob = cronJob;
            this.jobClient = client.resource(key.cell(), jobs.type());
        }

        @Override
        public ObjectNode createJob(ObjectNode job) {
            return jobClient.create(key.namespace(), job);
        }

        @Override
        public Optional<ObjectNode> getJob(String name) {
            return jobClient.find(key.namespace(), name);
        }

        @Override
        public void deleteJob(ObjectNode job) {
            try {
                jobClient.delete(key.namespace(), job.path("metadata").path("name").asText(),
                        new DeleteOptions(Owners.uid(job), "", -1, "Background", false));
            } catch (ApiException e) {
                if (e.code() != 404) throw e;
            }
        }

        @Override
        public void event(String type, String reason, String message) {
            if (type.equals("Warning")) events.warning(key.cell(), cronJob, COMPONENT, reason, message);
            else events.normal(key.cell(), cronJob, COMPONENT, reason, message);
        }
    }
}
