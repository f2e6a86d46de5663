package dev.pier.simulator;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Simulated nodes: a TEST AND BENCHMARK TOOL, never part of the product. Registers N Nodes with a chosen
 * capacity through the API (as a kubelet would, over HTTPS with the fabric8 client), renews their Leases in
 * {@code kube-node-lease}, reports every pod bound to them Running and Ready at once (no container runs),
 * finishes the deletion of their terminating pods, and can stop heartbeating on command to play a node
 * that died. The real node agent is {@code pier agent}.
 *
 * <p>Pods run until deleted unless they ask to finish: a pod annotated {@value #EXIT_AFTER} (e.g. {@code 2s})
 * has its containers exit that long after they started, with the code in {@value #EXIT_CODE} (0 by default),
 * and ends Succeeded or Failed or restarts them as its {@code restartPolicy} says ({@link ContainerExits}).
 * Annotations may be added to a running pod ({@code kubectl annotate pod}).
 */
public final class SimulatedNodes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedNodes.class);
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** Annotation: how long after they start a pod's containers exit (a duration: {@code 500ms}, {@code 2s}, {@code 1m}). */
    public static final String EXIT_AFTER = ContainerExits.EXIT_AFTER;
    /** Annotation: the exit code of a pod's containers when {@link #EXIT_AFTER} has passed (default 0). */
    public static final String EXIT_CODE = ContainerExits.EXIT_CODE;

    /** What each node offers. */
    public record Shape(String cpu, String memory, int pods) {
        public static final Shape DEFAULT = new Shape("4", "8Gi", 110);
    }

    private final KubernetesClient client;
    private final List<String> names;
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("simulated-node-heartbeat").factory());
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger ipCounter = new AtomicInteger(2);
    private final ContainerExits exits;
    private SharedIndexInformer<Pod> informer;

    private SimulatedNodes(KubernetesClient client, List<String> names) {
        this.client = client;
        this.names = names;
        this.exits = new ContainerExits(client, work);
    }

    /**
     * Registers {@code count} nodes named {@code prefix-0 .. prefix-(count-1)} and starts serving them.
     *
     * @param labels extra labels on every node (zones, roles)
     */
    public static SimulatedNodes start(KubernetesClient client, String prefix, int count, Shape shape,
                                       Map<String, String> labels, Duration leaseRenewal) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) names.add(prefix + "-" + i);
        SimulatedNodes nodes = new SimulatedNodes(client, names);
        for (int i = 0; i < count; i++) nodes.register(names.get(i), i, shape, labels);
        nodes.heartbeat.scheduleAtFixedRate(nodes::renewLeases, 0, leaseRenewal.toMillis(), TimeUnit.MILLISECONDS);
        nodes.informer = client.pods().inAnyNamespace().inform(nodes.podHandler(), 0);
        return nodes;
    }

    public List<String> names() {
        return List.copyOf(names);
    }

    /** The node stops renewing its Lease and stops answering for its pods, as a node that lost power. */
    public void stopHeartbeat(String node) {
        silent.add(node);
    }

    /** The node is back: it reports Ready again and catches up with its pods (finishing evicted ones). */
    public void resumeHeartbeat(String node) {
        silent.remove(node);
        Node current = client.nodes().withName(node).get();
        if (current != null) {
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            current.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready")).forEach(c -> {
                c.setStatus("True");
                c.setReason("KubeletReady");
                c.setMessage("simulated node is ready");
                c.setLastHeartbeatTime(now);
                c.setLastTransitionTime(now);
            });
            client.nodes().resource(current).updateStatus();
        }
        if (informer != null) informer.getStore().list().forEach(this::handle);
    }

    private void register(String name, int index, Shape shape, Map<String, String> labels) {
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity(shape.cpu()), "memory", new Quantity(shape.memory()),
                "pods", new Quantity(Integer.toString(shape.pods())), "ephemeral-storage", new Quantity("100Gi"));
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Node node = new NodeBuilder()
                .withNewMetadata().withName(name)
                .addToLabels("kubernetes.io/hostname", name).addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/arch", "amd64").addToLabels("pier.dev/simulated", "true").addToLabels(labels)
                .endMetadata()
                .withNewSpec().withPodCIDR("10.244." + (index % 256) + ".0/24").endSpec()
                .withNewStatus().withCapacity(capacity).withAllocatable(capacity)
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withMessage("simulated node is ready").withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition()
                .addNewAddress().withType("InternalIP").withAddress("192.0.2." + (1 + index % 250)).endAddress()
                .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .withNewNodeInfo().withKubeletVersion("v1.32.0-pier-simulated").withContainerRuntimeVersion("simulated://0")
                .withOperatingSystem("linux").withArchitecture("amd64").withOsImage("simulated")
                .withKernelVersion("simulated").withKubeProxyVersion("").withMachineID(name).withSystemUUID(name)
                .withBootID(name).endNodeInfo()
                .endStatus().build();
        try {
            client.nodes().resource(node).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) throw e;
            client.nodes().resource(node).updateStatus();
        }
    }

    private void renewLeases() {
        String renew = MICRO.format(Instant.now());
        for (String name : names) {
            if (silent.contains(name)) continue;
            try {
                var leases = client.resources(Lease.class).inNamespace("kube-node-lease");
                Lease existing = leases.withName(name).get();
                if (existing == null) {
                    leases.resource(new LeaseBuilder().withNewMetadata().withName(name).withNamespace("kube-node-lease").endMetadata()
                            .withNewSpec().withHolderIdentity(name).withLeaseDurationSeconds(40).withRenewTime(java.time.ZonedDateTime.now(ZoneOffset.UTC))
                            .endSpec().build()).create();
                } else {
                    existing.getSpec().setRenewTime(java.time.ZonedDateTime.now(ZoneOffset.UTC));
                    leases.resource(existing).update();
                }
            } catch (RuntimeException e) {
                LOG.debug("lease renewal of {} at {} failed: {}", name, renew, e.getMessage());
            }
        }
    }

    private ResourceEventHandler<Pod> podHandler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                handle(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                handle(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
            }
        };
    }

    private void handle(Pod pod) {
        String node = pod.getSpec().getNodeName();
        if (node == null || !names.contains(node) || silent.contains(node)) return;
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            work.submit(() -> finishDeletion(pod));
        } else if ("Pending".equals(pod.getStatus() == null ? "Pending" : pod.getStatus().getPhase())) {
            work.submit(() -> markRunning(pod));
        } else {
            exits.observe(pod);
        }
    }

    private void finishDeletion(Pod pod) {
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            LOG.debug("could not finish deleting {}: {}", pod.getMetadata().getName(), e.getMessage());
        }
    }

    private void markRunning(Pod pod) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        int ip = ipCounter.getAndIncrement();
        List<PodCondition> conditions = new ArrayList<>();
        for (String type : List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")) {
            conditions.add(new PodConditionBuilder().withType(type).withStatus("True").withLastTransitionTime(now).build());
        }
        List<ContainerStatus> statuses = new ArrayList<>();
        pod.getSpec().getContainers().forEach(c -> statuses.add(new ContainerStatusBuilder().withName(c.getName())
                .withImage(c.getImage()).withImageID("simulated://" + c.getImage()).withContainerID("simulated://" + pod.getMetadata().getUid() + "/" + c.getName())
                .withReady(true).withStarted(true).withRestartCount(0)
                .withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build()));
        pod.getStatus().setPhase("Running");
        pod.getStatus().setConditions(conditions);
        pod.getStatus().setContainerStatuses(statuses);
        pod.getStatus().setHostIP("192.0.2.1");
        pod.getStatus().setPodIP("10.244." + (ip / 250 % 256) + "." + (ip % 250 + 2));
        pod.getStatus().setStartTime(now);
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
        } catch (KubernetesClientException e) {
            // a newer version exists: the informer brings it and we try again then
            LOG.debug("could not report {} running: {}", pod.getMetadata().getName(), e.getMessage());
        }
    }

    /** Stops serving (the Nodes stay registered, as a stopped kubelet's do). */
    @Override
    public void close() {
        if (informer != null) informer.close();
        exits.close();
        heartbeat.shutdownNow();
        work.shutdownNow();
    }
}
