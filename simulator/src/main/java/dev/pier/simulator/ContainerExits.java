package dev.pier.simulator;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Containers that finish, for simulated nodes (a TEST TOOL): a running pod annotated
 * {@value #EXIT_AFTER} (a duration such as {@code 2s}, {@code 500ms}, {@code 1m30s}) has its containers exit
 * that long after they started, with the exit code in {@value #EXIT_CODE} (0 by default), as a kubelet
 * would report it: with {@code restartPolicy: Never}, or after exit code 0 with {@code OnFailure}, the pod
 * ends Succeeded (code 0) or Failed, its containers {@code terminated}; otherwise the kubelet restarts them in
 * place (restartCount + 1, the exit in {@code lastState}) and they exit again after the same delay. Unlike a
 * kubelet there is no crash-loop back-off between restarts.
 */
final class ContainerExits implements AutoCloseable {
    static final String EXIT_AFTER = "simulator.pier.dev/exit-after";
    static final String EXIT_CODE = "simulator.pier.dev/exit-code";
    private static final Logger LOG = LoggerFactory.getLogger(ContainerExits.class);
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    private static final int ATTEMPTS = 5;

    private final KubernetesClient client;
    private final ExecutorService work;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("simulated-container-exits").factory());
    /** "uid/restartCount" of every exit already scheduled, so that each run of a container exits once. */
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();

    ContainerExits(KubernetesClient client, ExecutorService work) {
        this.client = client;
        this.work = work;
    }

    /** Schedules the exit of a running pod's containers, if the pod asks for one and it is not scheduled yet. */
    void observe(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String after = annotations == null ? null : annotations.get(EXIT_AFTER);
        if (after == null || pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())) return;
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        if (statuses == null || statuses.isEmpty()) return;
        Duration delay;
        try {
            delay = duration(after);
        } catch (IllegalArgumentException e) {
            LOG.warn("pod {}/{}: ignoring {}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), EXIT_AFTER, e.getMessage());
            return;
        }
        int restarts = statuses.getFirst().getRestartCount() == null ? 0 : statuses.getFirst().getRestartCount();
        if (!scheduled.add(pod.getMetadata().getUid() + "/" + restarts)) return;
        ContainerState state = statuses.getFirst().getState();
        Instant started = state != null && state.getRunning() != null && state.getRunning().getStartedAt() != null
                ? Instant.parse(state.getRunning().getStartedAt()) : Instant.now();
        long wait = Math.max(0, Duration.between(Instant.now(), started.plus(delay)).toMillis());
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String uid = pod.getMetadata().getUid();
        timer.schedule(() -> work.submit(() -> exit(namespace, name, uid, restarts)), wait, TimeUnit.MILLISECONDS);
    }

    /** A Go-style duration: one or more number-unit pairs. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            double value = Double.parseDouble(m.group(1));
            long millis = (long) (value * switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                default -> 3_600_000;
            });
            total = total.plusMillis(millis);
            end = m.end();
        }
        if (end == 0 || end != text.strip().length()) throw new IllegalArgumentException("not a duration: \"" + text + "\"");
        return total;
    }

    private void exit(String namespace, String name, String uid, int restarts) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Pod pod = client.pods().inNamespace(namespace).withName(name).get();
            if (pod == null || !uid.equals(pod.getMetadata().getUid()) || pod.getMetadata().getDeletionTimestamp() != null
                    || !"Running".equals(pod.getStatus().getPhase())) {
                return; // gone, replaced, being deleted or already finished: nothing exits any more
            }
            List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
            if (statuses == null || statuses.isEmpty() || !Integer.valueOf(restarts).equals(statuses.getFirst().getRestartCount())) return;
            int code = exitCode(pod);
            String policy = pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
            boolean restart = policy.equals("Always") || (policy.equals("OnFailure") && code != 0);
            if (restart) restartContainers(pod, code);
            else terminate(pod, code);
            try {
                client.pods().inNamespace(namespace).resource(pod).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    LOG.debug("could not report containers of {}/{} exited: {}", namespace, name, e.getMessage());
                    return;
                }
            }
        }
    }

    private static int exitCode(Pod pod) {
        String code = pod.getMetadata().getAnnotations().getOrDefault(EXIT_CODE, "0");
        try {
            return Integer.parseInt(code.strip());
        } catch (NumberFormatException e) {
            LOG.warn("pod {}/{}: {} is not a number: {}; exiting with 1", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), EXIT_CODE, code);
            return 1;
        }
    }

    /** The pod's end: Succeeded or Failed, every container terminated, not ready any more. */
    private static void terminate(Pod pod, int code) {
        String now = now();
        for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
            s.setState(terminated(s, code, now));
            s.setReady(false);
            s.setStarted(false);
        }
        pod.getStatus().setPhase(code == 0 ? "Succeeded" : "Failed");
        for (PodCondition c : pod.getStatus().getConditions()) {
            switch (c.getType()) {
                case "Ready", "ContainersReady" -> set(c, "False", "PodCompleted", now);
                case "PodReadyToStartContainers" -> set(c, "False", null, now);
                case "Initialized" -> c.setReason("PodCompleted");
                default -> {
                }
            }
        }
    }

    /** A restart in place: the exit goes to lastState, the container runs again. */
    private static void restartContainers(Pod pod, int code) {
        String now = now();
        for (ContainerStatus s : pod.getStatus().getContainerStatuses()) {
            s.setLastState(terminated(s, code, now));
            s.setState(new ContainerStateBuilder().withNewRunning().withStartedAt(now).endRunning().build());
            s.setRestartCount((s.getRestartCount() == null ? 0 : s.getRestartCount()) + 1);
        }
    }

    private static ContainerState terminated(ContainerStatus s, int code, String now) {
        String started = s.getState() != null && s.getState().getRunning() != null ? s.getState().getRunning().getStartedAt() : now;
        return new ContainerStateBuilder().withNewTerminated().withExitCode(code).withReason(code == 0 ? "Completed" : "Error")
                .withStartedAt(started).withFinishedAt(now).withContainerID(s.getContainerID()).endTerminated().build();
    }

    private static void set(PodCondition c, String status, String reason, String now) {
        if (!status.equals(c.getStatus())) c.setLastTransitionTime(now);
        c.setStatus(status);
        c.setReason(reason);
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
