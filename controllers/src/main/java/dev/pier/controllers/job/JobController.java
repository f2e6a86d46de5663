package dev.pier.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.patch.PatchType;
import dev.pier.apiserver.registry.DeleteOptions;
import dev.pier.apiserver.registry.ResourceType;
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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static dev.pier.controllers.runtime.Writes.joinAll;

/**
 * Runs a Job's pods to completion, as Kubernetes 1.32's job controller does.
 *
 * <p>Design. Every pod the controller creates carries the {@code batch.kubernetes.io/job-tracking}
 * finalizer, so a finished pod cannot disappear before it is counted. A sync counts in two steps, each
 * written before the next begins, so that a crash between any two writes neither loses nor double-counts a
 * pod: finished pods' uids first go to {@code status.uncountedTerminatedPods}; then their finalizers are
 * removed; then uids whose pods no longer carry the finalizer move from that list into the
 * {@code succeeded}/{@code failed} counters (Indexed Jobs count successes by index in
 * {@code completedIndexes} instead). Likewise a job's end is written in two steps: first the interim
 * {@code SuccessCriteriaMet} or {@code FailureTarget} condition (after which remaining pods are deleted and
 * counted), then {@code Complete} or {@code Failed} once no pod is uncounted or still terminating.
 *
 * <p>Between those, {@link #manageJob} keeps {@code min(parallelism, completions - succeeded)} pods
 * active (the lowest missing indexes for Indexed Jobs), waits the pod-failure back-off before replacing
 * failed pods, deletes surplus or duplicate pods, and deletes every pod of a suspended job. The job fails
 * when more pods failed than {@code backoffLimit} (or, under {@code restartPolicy: OnFailure}, containers
 * restarted that often) or when it ran longer than {@code activeDeadlineSeconds}.
 *
 * <p>Not built: {@code podFailurePolicy}, {@code successPolicy}, {@code backoffLimitPerIndex} and
 * {@code maxFailedIndexes}, and {@code managedBy}; such jobs run with the rules above.
 */
public final class JobController implements Reconciler<ObjectKey> {
    static final String COMPONENT = "job-controller";
    /** At most this many uids wait in uncountedTerminatedPods, keeping the status small; the rest wait for the next sync. */
    static final int MAX_UNCOUNTED = 500;
    /** At most this many pod creations or deletions per sync. */
    static final int MAX_PODS_PER_SYNC = 500;
    static final String REASON_BACKOFF_LIMIT = "BackoffLimitExceeded";
    static final String REASON_DEADLINE = "DeadlineExceeded";
    static final String REASON_COMPLETIONS = "CompletionsReached";

    private final LocalClient client;
    private final Informer jobs;
    private final Informer pods;
    private final ResourceType jobType;
    private final ResourceType podType;
    private final EventRecorder events;
    private final WorkQueue<ObjectKey> queue;
    private final WorkQueue<ObjectKey> orphans;
    private final Clock clock;
    private final PodFailureBackoff backoff = new PodFailureBackoff();

    private JobController(LocalClient client, Informer jobs, Informer pods, EventRecorder events,
                          WorkQueue<ObjectKey> queue, WorkQueue<ObjectKey> orphans, Clock clock) {
        this.client = client;
        this.jobs = jobs;
        this.pods = pods;
        this.jobType = jobs.type();
        this.podType = pods.type();
        this.events = events;
        this.queue = queue;
        this.orphans = orphans;
        this.clock = clock;
    }

    /**
     * The Job controller with its informer handlers registered.
     *
     * @param orphans the queue of pods whose tracking finalizer no job will remove any more ({@link OrphanPodFinalizers})
     */
    public static JobController create(LocalClient client, Informer jobs, Informer pods, EventRecorder events,
                                       WorkQueue<ObjectKey> queue, WorkQueue<ObjectKey> orphans, Clock clock) {
        JobController c = new JobController(client, jobs, pods, events, queue, orphans, clock);
        jobs.addHandler(new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode job) {
                c.queue.add(ObjectKey.of(cell, job));
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                c.queue.add(ObjectKey.of(cell, current));
                // a finished job leaves no finalizer behind; this catches any its last sync could not remove
                if (JobStatus.isFinished(current)) c.enqueueTrackedPods(cell, current);
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                c.queue.add(ObjectKey.of(cell, last));
                c.enqueueTrackedPods(cell, last);
            }
        });
        pods.addHandler(new EventHandler() {
            @Override
            public void onAdd(String cell, ObjectNode pod) {
                c.podChanged(cell, pod);
            }

            @Override
            public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
                if (!Owners.controllerOf(old).equals(Owners.controllerOf(current))) c.podChanged(cell, old);
                c.podChanged(cell, current);
            }

            @Override
            public void onDelete(String cell, ObjectNode last) {
                c.podChanged(cell, last);
            }
        });
        return c;
    }

    static boolean isJobRef(JsonNode ref) {
        return ref.path("kind").asText().equals("Job") && ref.path("apiVersion").asText().equals("batch/v1");
    }

    /** The job that controls the pod, when it exists (same uid). */
    private Optional<ObjectNode> controllingJob(String cell, JsonNode pod) {
        Optional<JsonNode> ref = Owners.controllerOf(pod);
        if (ref.isEmpty() || !isJobRef(ref.get())) return Optional.empty();
        ObjectKey key = new ObjectKey(cell, pod.path("metadata").path("namespace").asText(), ref.get().path("name").asText());
        return jobs.get(key).filter(j -> Owners.uid(j).equals(ref.get().path("uid").asText()));
    }

    /** The pod's job if it has one; jobs that could adopt an orphan; the orphan queue for a stranded finalizer. */
    private void podChanged(String cell, ObjectNode pod) {
        Optional<JsonNode> ref = Owners.controllerOf(pod);
        if (ref.isPresent()) {
            if (!isJobRef(ref.get())) return;
            Optional<ObjectNode> job = controllingJob(cell, pod);
            if (job.isPresent() && !JobStatus.isFinished(job.get())) queue.add(ObjectKey.of(cell, job.get()));
            else if (JobPods.hasTrackingFinalizer(pod)) orphans.add(ObjectKey.of(cell, pod));
            return;
        }
        if (JobPods.hasTrackingFinalizer(pod)) orphans.add(ObjectKey.of(cell, pod));
        if (Owners.isBeingDeleted(pod)) return;
        for (ObjectNode job : jobs.list(cell, pod.path("metadata").path("namespace").asText())) {
            if (selects(job, pod) && !JobStatus.isFinished(job)) queue.add(ObjectKey.of(cell, job));
        }
    }

    private void enqueueTrackedPods(String cell, ObjectNode job) {
        String uid = Owners.uid(job);
        for (ObjectNode pod : pods.list(cell, job.path("metadata").path("namespace").asText())) {
            if (Owners.isControlledBy(pod, uid) && JobPods.hasTrackingFinalizer(pod)) orphans.add(ObjectKey.of(cell, pod));
        }
    }

    private static boolean selects(JsonNode job, JsonNode pod) {
        JsonNode selector = job.path("spec").path("selector");
        return !LabelSelectors.isEmpty(selector) && LabelSelectors.matches(selector, pod.path("metadata").path("labels"));
    }

    @Override
    public Result sync(ObjectKey key) {
        Optional<ObjectNode> found = jobs.get(key);
        if (found.isEmpty() || JobStatus.isFinished(found.get())) {
            backoff.forget(key);
            return Result.done();
        }
        ObjectNode job = found.get();
        String mode = job.path("spec").path("completionMode").asText("NonIndexed");
        if (!mode.equals("NonIndexed") && !mode.equals("Indexed")) {
            events.warning(key.cell(), job, COMPONENT, "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown");
            return Result.done();
        }
        try {
            return new Sync(key, job).run();
        } catch (JobGone gone) {
            backoff.forget(key);
            return Result.done();
        }
    }

    /** The job was deleted while a sync wrote to it: nothing left to do. */
    private static final class JobGone extends RuntimeException {
        JobGone() {
            super(null, null, false, false);
        }
    }

    /** One sync of one job: the state Kubernetes keeps in its syncJobCtx. */
    private final class Sync {
        private final ObjectKey key;
        private final JsonNode spec;
        private final boolean indexed;
        private final int completions; // -1 when unset
        private final int parallelism;
        private final int backoffLimit;
        private final boolean suspended;
        /** podReplacementPolicy Failed: pods are replaced once they failed, not while they terminate. */
        private final boolean onlyFailedPhase;
        private final Instant now;
        private final ResourceClient podClient;
        private ObjectNode job;
        private JobStatus status;
        private List<ObjectNode> jobPods;
        private List<ObjectNode> activePods;
        private int active;
        private int ready;
        private int terminating;
        private int succeeded;
        private int failed;
        private Indexes prevSucceededIndexes = Indexes.NONE;
        private Indexes succeededIndexes = Indexes.NONE;
        private PodFailureBackoff.Failures failures;
        /** The condition the job is heading for, once decided. */
        private ObjectNode finished;
        private Result result = Result.done();
        /** The first failure to create or delete a pod: the sync finishes its counting, then fails with it. */
        private final AtomicReference<RuntimeException> podError = new AtomicReference<>();

        Sync(ObjectKey key, ObjectNode job) {
            this.key = key;
            this.job = job;
            this.spec = job.path("spec");
            this.indexed = spec.path("completionMode").asText("NonIndexed").equals("Indexed");
            this.completions = spec.hasNonNull("completions") ? spec.path("completions").asInt() : -1;
            this.parallelism = spec.path("parallelism").asInt(1);
            this.backoffLimit = spec.path("backoffLimit").asInt(6);
            this.suspended = spec.path("suspend").asBoolean(false);
            this.onlyFailedPhase = spec.path("podReplacementPolicy").asText("").equals("Failed") || spec.hasNonNull("podFailurePolicy");
            this.now = clock.instant();
            this.podClient = client.resource(key.cell(), podType);
        }

        Result run() {
            jobPods = claimPods();
            activePods = jobPods.stream().filter(Pods::isActive).toList();
            ready = (int) activePods.stream().filter(Pods::isReady).count();
            terminating = (int) jobPods.stream().filter(JobPods::isTerminating).count();
            active = activePods.size();
            status = JobStatus.of(job);
            List<ObjectNode> newSucceeded = uncountedPods(status.uncountedSucceeded, p -> Pods.phase(p).equals("Succeeded"));
            List<ObjectNode> newFailed = uncountedPods(status.uncountedFailed, p -> JobPods.isFailed(p, onlyFailedPhase));
            succeeded = status.succeeded + newSucceeded.size() + status.uncountedSucceeded.size();
            failed = status.failed + newFailed.size() + status.uncountedFailed.size();
            if (status.startTime == null && !suspended) status.startTime = JobStatus.time(now);
            failures = backoff.next(key, newSucceeded, newFailed);

            decideFailure();
            if (indexed) {
                prevSucceededIndexes = Indexes.parse(status.completedIndexes, completions);
                List<Integer> done = new ArrayList<>();
                for (ObjectNode p : jobPods) {
                    int ix = JobPods.completionIndex(p);
                    if (Pods.phase(p).equals("Succeeded") && JobPods.hasTrackingFinalizer(p) && JobPods.validIndex(ix, completions)) done.add(ix);
                }
                succeededIndexes = prevSucceededIndexes.with(done);
                succeeded = succeededIndexes.total();
            }
            if (finished != null) {
                // the job fails (or has met its criteria): no pod runs on; they are counted once gone
                int[] deleted = deletePods(activePods, false);
                if (deleted[0] != active) finished = null; // some are still there: decide again next time
                active -= deleted[0];
                terminating += deleted[0];
                ready -= deleted[1];
            } else {
                boolean managed = false;
                if (!Owners.isBeingDeleted(job)) {
                    active = manageJob();
                    managed = true;
                }
                boolean complete = completions < 0 ? succeeded > 0 && active == 0 : succeeded >= completions && active == 0;
                if (complete) {
                    finished = JobStatus.condition(JobStatus.SUCCESS_CRITERIA_MET, "True", REASON_COMPLETIONS,
                            "Reached expected number of succeeded pods", now);
                } else if (managed) {
                    suspendCondition();
                }
            }
            status.active = active;
            status.ready = ready;
            status.terminating = terminating;
            trackAndRemoveFinalizers();
            if (podError.get() != null) throw podError.get();
            return result;
        }

        /** Pods finished since they were last counted: still tracked, not yet uncounted, with a valid index. */
        private List<ObjectNode> uncountedPods(Set<String> alreadyUncounted, Predicate<ObjectNode> finishedHow) {
            List<ObjectNode> out = new ArrayList<>();
            for (ObjectNode p : jobPods) {
                if (!JobPods.hasTrackingFinalizer(p) || alreadyUncounted.contains(JobPods.uid(p))) continue;
                if (indexed && !JobPods.validIndex(JobPods.completionIndex(p), completions)) continue;
                if (finishedHow.test(p)) out.add(p);
            }
            return out;
        }

        /** A criterion met before stands; else too many failures or too long a run make the job fail. */
        private void decideFailure() {
            JsonNode met = status.find(JobStatus.SUCCESS_CRITERIA_MET);
            if (met != null && met.path("status").asText().equals("True")) {
                finished = (ObjectNode) met.deepCopy();
                return;
            }
            JsonNode target = status.find(JobStatus.FAILURE_TARGET);
            if (target != null && target.path("status").asText().equals("True")) {
                finished = JobStatus.condition(JobStatus.FAILED, "True", target.path("reason").asText(""), target.path("message").asText(""), now);
                return;
            }
            if (failed > backoffLimit || pastBackoffLimitOnFailure()) {
                finished = JobStatus.condition(JobStatus.FAILURE_TARGET, "True", REASON_BACKOFF_LIMIT, "Job has reached the specified backoff limit", now);
            } else if (spec.hasNonNull("activeDeadlineSeconds") && !suspended && status.startTime != null) {
                Duration left = Duration.ofSeconds(spec.path("activeDeadlineSeconds").asLong())
                        .minus(Duration.between(Instant.parse(status.startTime), now));
                if (left.isNegative() || left.isZero()) {
                    finished = JobStatus.condition(JobStatus.FAILURE_TARGET, "True", REASON_DEADLINE, "Job was active longer than specified deadline", now);
                } else {
                    result = result.orSooner(Result.requeueAfter(left));
                }
            }
        }

        /** Under OnFailure, container restarts of live pods count as failures. */
        private boolean pastBackoffLimitOnFailure() {
            if (!spec.path("template").path("spec").path("restartPolicy").asText().equals("OnFailure")) return false;
            int restarts = JobPods.restartsOfLivePods(jobPods);
            return backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit;
        }

        private void suspendCondition() {
            if (suspended) {
                if (status.ensure(JobStatus.SUSPENDED, "True", "JobSuspended", "Job suspended", now)) {
                    events.normal(key.cell(), job, COMPONENT, "Suspended", "Job suspended");
                }
            } else if (status.ensure(JobStatus.SUSPENDED, "False", "JobResumed", "Job resumed", now)) {
                events.normal(key.cell(), job, COMPONENT, "Resumed", "Job resumed");
                // activeDeadlineSeconds counts the time a job is continuously active: it starts again now
                status.startTime = JobStatus.time(now);
            }
        }

        // ------------------------------------------------------------ pods

        /**
         * The pods this job controls, after adopting orphans its selector matches (adding the tracking
         * finalizer) and releasing pods it controls that no longer match.
         */
        private List<ObjectNode> claimPods() {
            String uid = Owners.uid(job);
            List<ObjectNode> owned = new ArrayList<>();
            for (ObjectNode pod : pods.list(key.cell(), key.namespace())) {
                Optional<JsonNode> ref = Owners.controllerOf(pod);
                boolean matches = selects(job, pod);
                if (ref.isPresent()) {
                    if (!ref.get().path("uid").asText().equals(uid)) continue;
                    if (matches) owned.add(pod);
                    else if (!Owners.isBeingDeleted(job) && !Owners.isBeingDeleted(pod)) patchPod(pod, releasePatch(uid));
                } else if (matches && !Owners.isBeingDeleted(job) && !Owners.isBeingDeleted(pod)) {
                    ObjectNode adopted = patchPod(pod, adoptPatch());
                    if (adopted != null) owned.add(adopted);
                }
            }
            return owned;
        }

        private ObjectNode adoptPatch() {
            ObjectNode patch = Json.object();
            ObjectNode meta = patch.putObject("metadata");
            meta.putArray("ownerReferences").add(Owners.controllerRef(job));
            meta.putArray("finalizers").add(JobPods.TRACKING_FINALIZER);
            return patch;
        }

        private static ObjectNode releasePatch(String jobUid) {
            ObjectNode patch = Json.object();
            ObjectNode meta = patch.putObject("metadata");
            ObjectNode drop = meta.putArray("ownerReferences").addObject();
            drop.put("$patch", "delete");
            drop.put("uid", jobUid);
            meta.putArray("$deleteFromPrimitiveList/finalizers").add(JobPods.TRACKING_FINALIZER);
            return patch;
        }

        /** A strategic merge patch of one pod, only if it is still the same pod; null when it is gone. */
        private ObjectNode patchPod(JsonNode pod, ObjectNode patch) {
            try {
                return podClient.patch(key.namespace(), JobPods.name(pod), JobPods.uid(pod), PatchType.STRATEGIC, patch, false);
            } catch (ApiException e) {
                if (e.code() == 404) return null;
                throw e;
            }
        }

        /** Creates or deletes pods towards the wanted number of active ones; returns how many are active then. */
        private int manageJob() {
            int activeNow = activePods.size();
            if (suspended) {
                int[] removed = deletePods(removalOrder(activePods, activeNow), true);
                terminating += removed[0];
                ready -= removed[1];
                return activeNow - removed[0];
            }
            int want;
            if (completions < 0) want = succeeded > 0 ? activeNow : parallelism; // one success ends the job: start no more
            else want = Math.max(0, Math.min(completions - succeeded, parallelism));
            List<ObjectNode> surplus = removalOrder(activePods, Math.max(activeNow - want, 0));
            if (!surplus.isEmpty()) {
                // delete or create in one sync, never both: deletion (of duplicates too) goes first
                int[] removed = deletePods(surplus.subList(0, Math.min(surplus.size(), MAX_PODS_PER_SYNC)), true);
                terminating += removed[0];
                ready -= removed[1];
                return activeNow - removed[0];
            }
            int missing = want - (onlyFailedPhase ? terminating : 0) - activeNow;
            if (missing <= 0) return activeNow;
            Duration wait = failures.remaining(now);
            if (!wait.isZero()) {
                result = result.orSooner(Result.requeueAfter(wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait));
                return activeNow;
            }
            missing = Math.min(missing, MAX_PODS_PER_SYNC);
            List<Integer> indexes = null;
            if (indexed) {
                Set<Integer> busy = new HashSet<>();
                for (ObjectNode p : activePods) busy.add(JobPods.completionIndex(p));
                if (onlyFailedPhase) for (ObjectNode p : jobPods) if (JobPods.isTerminating(p)) busy.add(JobPods.completionIndex(p));
                indexes = succeededIndexes.firstMissing(missing, completions, busy);
                missing = indexes.size();
            }
            return activeNow + createPods(missing, indexes);
        }

        /**
         * Pods to delete: for Indexed Jobs first those without a valid index and all but the most useful pod
         * of each index; then the least useful others until at least {@code atLeast} are chosen.
         */
        private List<ObjectNode> removalOrder(List<ObjectNode> candidates, int atLeast) {
            List<ObjectNode> remove = new ArrayList<>();
            List<ObjectNode> keep = new ArrayList<>();
            if (indexed) {
                TreeMap<Integer, List<ObjectNode>> byIndex = new TreeMap<>();
                for (ObjectNode p : candidates) {
                    int ix = JobPods.completionIndex(p);
                    if (!JobPods.validIndex(ix, completions)) remove.add(p);
                    else byIndex.computeIfAbsent(ix, i -> new ArrayList<>()).add(p);
                }
                for (List<ObjectNode> same : byIndex.values()) {
                    same.sort(JobPods.REMOVE_FIRST);
                    remove.addAll(same.subList(0, same.size() - 1));
                    keep.add(same.getLast());
                }
            } else {
                keep.addAll(candidates);
            }
            if (remove.size() < atLeast) {
                keep.sort(JobPods.REMOVE_FIRST);
                remove.addAll(keep.subList(0, Math.min(keep.size(), atLeast - remove.size())));
            }
            return remove;
        }

        /** Slow start: batches of 1, 2, 4, ... pods; the first failing batch stops the rest. Returns how many were created. */
        private int createPods(int count, List<Integer> indexes) {
            AtomicInteger created = new AtomicInteger();
            int next = 0;
            int batch = 1;
            while (next < count) {
                int size = Math.min(batch, count - next);
                AtomicReference<ApiException> failure = new AtomicReference<>();
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    int index = indexes == null ? JobPods.NO_INDEX : indexes.get(next + i);
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            ObjectNode pod = podClient.create(key.namespace(), JobPods.fromTemplate(job, index));
                            created.incrementAndGet();
                            events.normal(key.cell(), job, COMPONENT, "SuccessfulCreate", "Created pod: " + JobPods.name(pod));
                        } catch (ApiException e) {
                            failure.compareAndSet(null, e);
                        }
                    }));
                }
                joinAll(threads);
                next += size;
                ApiException e = failure.get();
                if (e != null) {
                    // a namespace being deleted (or gone) refuses every pod: nothing to report or retry
                    if (e.code() != 403 && e.code() != 404) {
                        events.warning(key.cell(), job, COMPONENT, "FailedCreate", "Error creating: " + e.getMessage());
                        podError.compareAndSet(null, e);
                    }
                    break;
                }
                batch *= 2;
            }
            return created.get();
        }

        /**
         * Deletes pods in parallel; {@code uncounted} pods lose their tracking finalizer first (surplus and
         * suspended pods are not failures), others keep it and are counted once they finished.
         *
         * @return how many were deleted (or already gone), and how many of those were ready
         */
        private int[] deletePods(List<ObjectNode> victims, boolean uncounted) {
            AtomicInteger deleted = new AtomicInteger();
            AtomicInteger deletedReady = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (ObjectNode pod : victims) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        if (uncounted && JobPods.hasTrackingFinalizer(pod)) patchPod(pod, removeFinalizerPatch());
                        podClient.delete(key.namespace(), JobPods.name(pod), new DeleteOptions(JobPods.uid(pod), "", -1, "", false));
                        events.normal(key.cell(), job, COMPONENT, "SuccessfulDelete", "Deleted pod: " + JobPods.name(pod));
                    } catch (ApiException e) {
                        if (e.code() != 404) {
                            podError.compareAndSet(null, e);
                            return;
                        }
                    }
                    deleted.incrementAndGet();
                    if (Pods.isReady(pod)) deletedReady.incrementAndGet();
                }));
            }
            joinAll(threads);
            return new int[]{deleted.get(), deletedReady.get()};
        }

        // ------------------------------------------------------------ counting

        /**
         * Kubernetes' trackJobStatusAndRemoveFinalizers: records finished pods as uncounted, writes that,
         * removes their finalizers, moves them into the counters, and ends the job when nothing is left
         * uncounted or terminating.
         */
        private void trackAndRemoveFinalizers() {
            List<ObjectNode> ordered = new ArrayList<>(jobPods);
            if (indexed) ordered.sort(Comparator.comparingInt(JobPods::completionIndex));
            Set<String> tracked = new HashSet<>();
            for (ObjectNode p : ordered) if (JobPods.hasTrackingFinalizer(p)) tracked.add(JobPods.uid(p));
            countReleased(tracked);

            boolean ending = finished != null && !finished.path("type").asText().equals(JobStatus.SUCCESS_CRITERIA_MET);
            List<ObjectNode> release = new ArrayList<>();
            List<Integer> newIndexes = new ArrayList<>();
            boolean capped = false;
            for (ObjectNode pod : ordered) {
                if (!JobPods.hasTrackingFinalizer(pod)) continue; // counted in an earlier sync
                boolean podFailed = JobPods.isFailed(pod, onlyFailedPhase);
                if (!(Owners.isBeingDeleted(job) || finished != null || Pods.phase(pod).equals("Succeeded") || podFailed)) continue;
                release.add(pod);
                String uid = JobPods.uid(pod);
                int ix = JobPods.completionIndex(pod);
                if (Pods.phase(pod).equals("Succeeded") && !status.uncountedFailed.contains(uid)) {
                    if (!indexed) status.uncountedSucceeded.add(uid);
                    else if (JobPods.validIndex(ix, completions) && !prevSucceededIndexes.has(ix)) newIndexes.add(ix);
                } else if (podFailed || ending) {
                    // once the job ends, every pod not succeeded counts as failed
                    if (!indexed || JobPods.validIndex(ix, completions)) status.uncountedFailed.add(uid);
                }
                if (newIndexes.size() + status.uncountedSucceeded.size() + status.uncountedFailed.size() >= MAX_UNCOUNTED) {
                    capped = true;
                    break;
                }
            }
            if (indexed) {
                succeededIndexes = succeededIndexes.with(newIndexes);
                status.completedIndexes = succeededIndexes.toString();
                status.succeeded = succeededIndexes.total();
            }
            if (finished != null && finished.path("type").asText().equals(JobStatus.FAILURE_TARGET)) {
                status.conditions.add(finished);
                finished = JobStatus.condition(JobStatus.FAILED, "True", finished.path("reason").asText(), finished.path("message").asText(), now);
            }
            if (finished != null && finished.path("type").asText().equals(JobStatus.SUCCESS_CRITERIA_MET)) {
                if (status.find(JobStatus.SUCCESS_CRITERIA_MET) == null) status.conditions.add(finished);
                finished = JobStatus.condition(JobStatus.COMPLETE, "True", finished.path("reason").asText(), finished.path("message").asText(), now);
            }

            // 1. the uncounted uids (and an interim condition) are written before any finalizer goes
            if (writeIfChanged()) backoff.store(key, failures);
            // 2. finalizers go; 3. pods without one move from uncounted into the counters
            RuntimeException removeError = removeFinalizers(release, tracked::remove);
            countReleased(tracked);
            if (removeError != null) {
                writeIfChanged();
                throw removeError;
            }
            boolean ended = !capped && enactFinished();
            writeIfChanged();
            if (ended) recordFinished();
        }

        /** Uncounted uids whose pods no longer carry the finalizer (removed, or gone) join the counters. */
        private void countReleased(Set<String> tracked) {
            for (var it = status.uncountedSucceeded.iterator(); it.hasNext(); ) {
                if (!tracked.contains(it.next())) {
                    it.remove();
                    status.succeeded++;
                }
            }
            for (var it = status.uncountedFailed.iterator(); it.hasNext(); ) {
                if (!tracked.contains(it.next())) {
                    it.remove();
                    status.failed++;
                }
            }
        }

        private RuntimeException removeFinalizers(List<ObjectNode> release, Consumer<String> removed) {
            AtomicReference<RuntimeException> error = new AtomicReference<>();
            Set<String> done = ConcurrentHashMap.newKeySet();
            List<Thread> threads = new ArrayList<>();
            for (ObjectNode pod : release) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        patchPod(pod, removeFinalizerPatch()); // gone counts as removed
                        done.add(JobPods.uid(pod));
                    } catch (RuntimeException e) {
                        error.compareAndSet(null, e);
                    }
                }));
            }
            joinAll(threads);
            done.forEach(removed);
            return error.get();
        }

        /** The final condition, once nothing is uncounted and no pod is still terminating. */
        private boolean enactFinished() {
            if (finished == null || !status.uncountedSucceeded.isEmpty() || !status.uncountedFailed.isEmpty() || terminating > 0) {
                return false;
            }
            String type = finished.path("type").asText();
            status.ensure(type, "True", finished.path("reason").asText(), finished.path("message").asText(), now);
            if (type.equals(JobStatus.COMPLETE)) status.completionTime = JobStatus.time(now);
            return true;
        }

        private void recordFinished() {
            if (finished.path("type").asText().equals(JobStatus.COMPLETE)) {
                if (completions >= 0 && status.succeeded > completions) {
                    events.warning(key.cell(), job, COMPONENT, "TooManySucceededPods", "Too many succeeded pods running after completion count reached");
                }
                events.normal(key.cell(), job, COMPONENT, "Completed", "Job completed");
            } else {
                events.warning(key.cell(), job, COMPONENT, finished.path("reason").asText(), finished.path("message").asText());
            }
        }

        /** Writes the status if it differs from the job's; guarded by the job's resourceVersion. */
        private boolean writeIfChanged() {
            ObjectNode next = status.toJson();
            if (Json.sameValues(next, job.path("status"))) return false;
            ObjectNode updated = job.deepCopy();
            updated.set("status", next);
            try {
                job = client.resource(key.cell(), jobType).updateStatus(updated);
            } catch (ApiException e) {
                if (e.code() == 404) throw new JobGone();
                throw e;
            }
            return true;
        }
    }

    private static ObjectNode removeFinalizerPatch() {
        ObjectNode patch = Json.object();
        patch.putObject("metadata").putArray("$deleteFromPrimitiveList/finalizers").add(JobPods.TRACKING_FINALIZER);
        return patch;
    }

}
