package dev.pier.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.meta.Json;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Pods;

import java.time.Instant;
import java.util.Comparator;
import java.util.Map;

/** What the Job controller reads from and writes into pods: indexes, tracking finalizer, finish times, templates. */
final class JobPods {
    /** Kept on every pod of a job until the controller has counted it, so a pod is never lost uncounted. */
    static final String TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
    /** The completion index of a pod of an Indexed Job: an annotation and a label. */
    static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
    static final String INDEX_ENV = "JOB_COMPLETION_INDEX";
    static final int NO_INDEX = -1;
    /** Kubernetes' limit on a generateName prefix, leaving room for the five random characters. */
    private static final int MAX_GENERATE_NAME = 58;
    private static final Map<String, Integer> PHASE_ORDER = Map.of("Pending", 0, "Unknown", 1, "Running", 2);

    /**
     * Which active pods a job removes first (Kubernetes' ActivePods order): unscheduled before scheduled,
     * pending before unknown before running, not ready before ready, ready for less time before longer,
     * more restarts before fewer, newer before older.
     */
    static final Comparator<JsonNode> REMOVE_FIRST = Comparator
            .comparing((JsonNode p) -> !p.path("spec").path("nodeName").asText("").isEmpty())
            .thenComparing(p -> PHASE_ORDER.getOrDefault(Pods.phase(p), 3))
            .thenComparing(Pods::isReady)
            .thenComparing(JobPods::readySinceOrMax, Comparator.reverseOrder())
            .thenComparing(Pods::restarts, Comparator.reverseOrder())
            .thenComparing(p -> p.path("metadata").path("creationTimestamp").asText(""), Comparator.reverseOrder());

    private JobPods() {
    }

    static String uid(JsonNode pod) {
        return pod.path("metadata").path("uid").asText();
    }

    static String name(JsonNode pod) {
        return pod.path("metadata").path("name").asText();
    }

    static boolean hasTrackingFinalizer(JsonNode pod) {
        for (JsonNode f : pod.path("metadata").path("finalizers")) if (f.asText().equals(TRACKING_FINALIZER)) return true;
        return false;
    }

    /** The pod's completion index from its annotation, or {@link #NO_INDEX}. */
    static int completionIndex(JsonNode pod) {
        String text = pod.path("metadata").path("annotations").path(COMPLETION_INDEX).asText("");
        if (text.isEmpty()) return NO_INDEX;
        try {
            int index = Integer.parseInt(text);
            return index < 0 ? NO_INDEX : index;
        } catch (NumberFormatException e) {
            return NO_INDEX;
        }
    }

    static boolean validIndex(int index, int completions) {
        return index != NO_INDEX && index < completions;
    }

    /**
     * Whether the pod counts as a failure: phase Failed, or (unless the job only replaces failed pods)
     * deleted before it succeeded, which also covers pods that never get to report a phase.
     */
    static boolean isFailed(JsonNode pod, boolean onlyFailedPhase) {
        String phase = Pods.phase(pod);
        if (phase.equals("Failed")) return true;
        if (onlyFailedPhase) return false;
        return Owners.isBeingDeleted(pod) && !phase.equals("Succeeded");
    }

    /** Being deleted and not finished yet (Kubernetes' terminating pods). */
    static boolean isTerminating(JsonNode pod) {
        String phase = Pods.phase(pod);
        return Owners.isBeingDeleted(pod) && !phase.equals("Succeeded") && !phase.equals("Failed");
    }

    /**
     * When the pod finished: its last container's finish time, else when it stopped being ready, else its
     * deletion time less the grace period, else its creation (pods the kubelet never reported).
     */
    static Instant finishedAt(JsonNode pod) {
        Instant latest = null;
        boolean allTerminated = pod.path("status").path("containerStatuses").size() > 0;
        for (JsonNode s : pod.path("status").path("containerStatuses")) {
            String at = s.path("state").path("terminated").path("finishedAt").asText("");
            if (at.isEmpty()) {
                allTerminated = false;
                break;
            }
            Instant t = Instant.parse(at);
            if (latest == null || t.isAfter(latest)) latest = t;
        }
        if (allTerminated && latest != null) return latest;
        JsonNode ready = Pods.condition(pod, "Ready");
        if (ready != null && ready.path("status").asText().equals("False") && !ready.path("lastTransitionTime").asText("").isEmpty()) {
            return Instant.parse(ready.path("lastTransitionTime").asText());
        }
        JsonNode meta = pod.path("metadata");
        if (meta.hasNonNull("deletionTimestamp")) {
            return Instant.parse(meta.path("deletionTimestamp").asText()).minusSeconds(meta.path("deletionGracePeriodSeconds").asLong(0));
        }
        String created = meta.path("creationTimestamp").asText("");
        return created.isEmpty() ? Instant.EPOCH : Instant.parse(created);
    }

    /** Container restarts of pods still pending or running, which count against the backoff limit under OnFailure. */
    static int restartsOfLivePods(Iterable<? extends JsonNode> pods) {
        int n = 0;
        for (JsonNode pod : pods) {
            String phase = Pods.phase(pod);
            if (!phase.equals("Running") && !phase.equals("Pending")) continue;
            for (String list : new String[]{"initContainerStatuses", "containerStatuses"}) {
                for (JsonNode s : pod.path("status").path(list)) n += s.path("restartCount").asInt(0);
            }
        }
        return n;
    }

    /**
     * A new pod from the job's template: its labels, annotations and finalizers plus the tracking finalizer,
     * controlled by the job; for an Indexed Job also its index (annotation, label, hostname and the
     * {@value #INDEX_ENV} variable of every container).
     */
    static ObjectNode fromTemplate(JsonNode job, int index) {
        JsonNode template = job.path("spec").path("template");
        String jobName = job.path("metadata").path("name").asText();
        ObjectNode pod = Json.object();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        meta.put("generateName", index == NO_INDEX ? prefix(jobName + "-") : indexedPrefix(jobName, index));
        JsonNode tm = template.path("metadata");
        meta.set("labels", tm.path("labels").isObject() ? tm.get("labels").deepCopy() : Json.object());
        meta.set("annotations", tm.path("annotations").isObject() ? tm.get("annotations").deepCopy() : Json.object());
        ArrayNode finalizers = meta.putArray("finalizers");
        boolean tracked = false;
        for (JsonNode f : tm.path("finalizers")) {
            finalizers.add(f.asText());
            tracked |= f.asText().equals(TRACKING_FINALIZER);
        }
        if (!tracked) finalizers.add(TRACKING_FINALIZER);
        meta.putArray("ownerReferences").add(Owners.controllerRef(job));
        ObjectNode spec = template.path("spec").deepCopy();
        pod.set("spec", spec);
        if (index != NO_INDEX) {
            ((ObjectNode) meta.get("annotations")).put(COMPLETION_INDEX, Integer.toString(index));
            ((ObjectNode) meta.get("labels")).put(COMPLETION_INDEX, Integer.toString(index));
            spec.put("hostname", jobName + "-" + index);
            for (String list : new String[]{"initContainers", "containers"}) {
                for (JsonNode c : spec.path(list)) addIndexVariable((ObjectNode) c);
            }
        }
        if (meta.get("labels").isEmpty()) meta.remove("labels");
        if (meta.get("annotations").isEmpty()) meta.remove("annotations");
        return pod;
    }

    /** JOB_COMPLETION_INDEX from the pod's annotation, unless the container sets it itself. */
    private static void addIndexVariable(ObjectNode container) {
        ArrayNode env = container.withArray("env");
        for (JsonNode e : env) if (e.path("name").asText().equals(INDEX_ENV)) return;
        ObjectNode variable = env.addObject();
        variable.put("name", INDEX_ENV);
        ObjectNode ref = variable.putObject("valueFrom").putObject("fieldRef");
        ref.put("apiVersion", "v1");
        ref.put("fieldPath", "metadata.annotations['" + COMPLETION_INDEX + "']");
    }

    private static String prefix(String prefix) {
        return prefix.length() > MAX_GENERATE_NAME ? prefix.substring(0, MAX_GENERATE_NAME) : prefix;
    }

    /** {@code <job>-<index>-}, the job's name shortened so that the index always survives. */
    static String indexedPrefix(String jobName, int index) {
        String suffix = "-" + index + "-";
        String name = jobName + suffix;
        if (name.length() <= MAX_GENERATE_NAME) return name;
        return jobName.substring(0, MAX_GENERATE_NAME - suffix.length()) + suffix;
    }

    private static Instant readySinceOrMax(JsonNode pod) {
        Instant since = Pods.readySince(pod);
        return since == null ? Instant.MAX : since;
    }
}
