package dev.pier.controllers;

import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.controllers.attachdetach.AttachDetachController;
import dev.pier.controllers.attachdetach.AttachDetachKey;
import dev.pier.controllers.certificates.CsrApprover;
import dev.pier.controllers.certificates.CsrSigner;
import dev.pier.controllers.cronjob.CronJobController;
import dev.pier.controllers.daemonset.DaemonSetController;
import dev.pier.controllers.deployment.DeploymentController;
import dev.pier.controllers.disruption.DisruptionController;
import dev.pier.controllers.endpoints.EndpointSliceController;
import dev.pier.controllers.endpoints.EndpointsController;
import dev.pier.controllers.gc.GarbageCollector;
import dev.pier.controllers.job.JobController;
import dev.pier.controllers.job.OrphanPodFinalizers;
import dev.pier.controllers.job.TtlAfterFinishedController;
import dev.pier.controllers.namespace.NamespaceDefaultsController;
import dev.pier.controllers.nodelifecycle.NodeLifecycleController;
import dev.pier.controllers.nodelifecycle.TaintEvictionController;
import dev.pier.controllers.replicaset.ReplicaSetController;
import dev.pier.controllers.runtime.Backoff;
import dev.pier.controllers.runtime.Controller;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.InformerHub;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.WorkQueue;
import dev.pier.controllers.statefulset.StatefulSetController;
import dev.pier.controllers.volume.ClaimBinder;
import dev.pier.controllers.volume.InUseProtection;
import dev.pier.controllers.volume.VolumeReleaser;
import dev.pier.storage.KeyValueStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The controllers of every cell in this server, sharing one set of informers (one storage watch) and one
 * work queue and worker pool per controller, as kube-controller-manager does for one cluster. Components in
 * other modules (the scheduler) add their controllers before {@link #start}.
 */
public final class ControllerManager implements AutoCloseable {
    /** The field manager Kubernetes' controllers write as, so managedFields read as on a real cluster. */
    public static final String FIELD_MANAGER = "kube-controller-manager";
    /** Kinds whose owner references the garbage collector follows. */
    private static final List<String[]> COLLECTED = List.of(
            new String[]{"", "v1", "pods"}, new String[]{"apps", "v1", "replicasets"}, new String[]{"apps", "v1", "deployments"},
            new String[]{"apps", "v1", "statefulsets"}, new String[]{"apps", "v1", "daemonsets"},
            new String[]{"apps", "v1", "controllerrevisions"}, new String[]{"batch", "v1", "jobs"}, new String[]{"batch", "v1", "cronjobs"},
            new String[]{"", "v1", "replicationcontrollers"}, new String[]{"", "v1", "services"}, new String[]{"", "v1", "configmaps"},
            new String[]{"", "v1", "secrets"}, new String[]{"", "v1", "persistentvolumeclaims"},
            new String[]{"discovery.k8s.io", "v1", "endpointslices"});

    private final InformerHub hub;
    private final Cells cells;
    private final Clock clock;
    private final EventRecorder events;
    private final WorkQueue.QueueListener queueListener;
    private final List<Controller<?>> controllers = new ArrayList<>();

    private ControllerManager(Cells cells, KeyValueStore kv, Clock clock, WorkQueue.QueueListener queueListener) {
        this.cells = cells;
        this.clock = clock;
        this.queueListener = queueListener;
        this.hub = new InformerHub(kv);
        this.events = new EventRecorder(client(FIELD_MANAGER), clock);
    }

    /** The built-in controllers, registered on their informers; call {@link #start} once others are added. */
    public static ControllerManager create(Cells cells, KeyValueStore kv, Clock clock, ControllerOptions options) {
        ControllerManager m = new ControllerManager(cells, kv, clock, options.queueListener());
        LocalClient client = m.client(FIELD_MANAGER);
        Informer pods = m.informer("", "v1", "pods");
        Informer replicaSets = m.informer("apps", "v1", "replicasets");

        WorkQueue<ObjectKey> rsQueue = m.queue("replicaset");
        m.add(new Controller<>("replicaset", rsQueue,
                ReplicaSetController.forReplicaSets(client, replicaSets, pods, m.events, rsQueue, clock), m.hub, 4));
        WorkQueue<ObjectKey> rcQueue = m.queue("replicationmanager");
        m.add(new Controller<>("replicationmanager", rcQueue,
                ReplicaSetController.forReplicationControllers(client, m.informer("", "v1", "replicationcontrollers"), pods, m.events, rcQueue, clock),
                m.hub, 2));
        WorkQueue<ObjectKey> deployQueue = m.queue("deployment");
        m.add(new Controller<>("deployment", deployQueue,
                new DeploymentController(client, m.informer("apps", "v1", "deployments"), replicaSets, pods, m.events, deployQueue, clock),
                m.hub, 4));
        Informer nodes = m.informer("", "v1", "nodes");
        WorkQueue<ObjectKey> nodeQueue = m.queue("node_lifecycle_controller");
        m.add(new Controller<>("node-lifecycle", nodeQueue, new NodeLifecycleController(client, nodes,
                m.informer("coordination.k8s.io", "v1", "leases"), pods, m.events, nodeQueue, clock, options.nodeMonitorGracePeriod()), m.hub, 2));
        WorkQueue<ObjectKey> evictionQueue = m.queue("taint_eviction_controller");
        m.add(new Controller<>("taint-eviction", evictionQueue,
                new TaintEvictionController(client, nodes, pods, m.events, evictionQueue, clock), m.hub, 2));

        WorkQueue<ObjectKey> disruptionQueue = m.queue("disruption");
        m.add(new Controller<>("disruption", disruptionQueue, new DisruptionController(client,
                m.informer("policy", "v1", "poddisruptionbudgets"), pods,
                java.util.Map.of("ReplicaSet", replicaSets, "Deployment", m.informer("apps", "v1", "deployments"),
                        "StatefulSet", m.informer("apps", "v1", "statefulsets"),
                        "ReplicationController", m.informer("", "v1", "replicationcontrollers")),
                disruptionQueue, clock), m.hub, 2));

        WorkQueue<ObjectKey> namespaceQueue = m.queue("namespace_defaults");
        m.add(new Controller<>("namespace-defaults", namespaceQueue, new NamespaceDefaultsController(client,
                m.informer("", "v1", "namespaces"), m.informer("", "v1", "serviceaccounts"), m.informer("", "v1", "configmaps"),
                namespaceQueue), m.hub, 2));

        // ---- Jobs (and their pods' tracking finalizers, and finished jobs' TTL) and CronJobs ----
        Informer jobs = m.informer("batch", "v1", "jobs");
        WorkQueue<ObjectKey> jobQueue = m.queue("job");
        WorkQueue<ObjectKey> orphanPodQueue = m.queue("job_orphan_pod");
        m.add("job", jobQueue, JobController.create(client, jobs, pods, m.events, jobQueue, orphanPodQueue, clock), 4);
        m.add("job-orphan-pod", orphanPodQueue, new OrphanPodFinalizers(client, jobs, pods), 1);
        WorkQueue<ObjectKey> ttlQueue = m.queue("ttl_jobs_to_delete");
        m.add("ttl-after-finished", ttlQueue, TtlAfterFinishedController.create(client, jobs, ttlQueue, clock), 2);
        WorkQueue<ObjectKey> cronJobQueue = m.queue("cronjob");
        m.add("cronjob", cronJobQueue,
                CronJobController.create(client, m.informer("batch", "v1", "cronjobs"), jobs, m.events, cronJobQueue, clock), 2);
        // ---- end of Jobs and CronJobs ----

        // ---- DaemonSets and StatefulSets, each template recorded as a ControllerRevision ----
        Informer revisions = m.informer("apps", "v1", "controllerrevisions");
        WorkQueue<ObjectKey> dsQueue = m.queue("daemonset");
        m.add(new Controller<>("daemonset", dsQueue, new DaemonSetController(client, m.informer("apps", "v1", "daemonsets"),
                revisions, pods, nodes, m.events, dsQueue, clock), m.hub, 2));
        WorkQueue<ObjectKey> stsQueue = m.queue("statefulset");
        m.add(new Controller<>("statefulset", stsQueue, new StatefulSetController(client, m.informer("apps", "v1", "statefulsets"),
                revisions, pods, m.informer("", "v1", "persistentvolumeclaims"), m.events, stsQueue, clock), m.hub, 2));
        // ---- end DaemonSets and StatefulSets ----

        // ---- block storage: a VolumeAttachment for every volume a scheduled pod needs (decision 018) ----
        WorkQueue<AttachDetachKey> attachQueue = m.queue("attachdetach");
        m.add("attachdetach", attachQueue, AttachDetachController.create(client, pods, m.informer("", "v1", "persistentvolumeclaims"),
                m.informer("", "v1", "persistentvolumes"), m.informer("storage.k8s.io", "v1", "volumeattachments"),
                m.informer("storage.k8s.io", "v1", "csidrivers"), nodes, m.events, attachQueue, clock), 2);
        // ---- end block storage ----

        // ---- Service endpoints: EndpointSlices and the legacy Endpoints ----
        Informer services = m.informer("", "v1", "services");
        WorkQueue<ObjectKey> sliceQueue = m.queue("endpoint_slice");
        m.add("endpointslice", sliceQueue, EndpointSliceController.create(client, services, pods,
                m.informer("discovery.k8s.io", "v1", "endpointslices"), sliceQueue), 2);
        WorkQueue<ObjectKey> endpointsQueue = m.queue("endpoint");
        m.add("endpoint", endpointsQueue, EndpointsController.create(client, services, pods,
                m.informer("", "v1", "endpoints"), endpointsQueue), 2);
        // ---- end Service endpoints ----

        // ---- PersistentVolumes: binding, release, in-use protection (decision 018) ----
        Informer claims = m.informer("", "v1", "persistentvolumeclaims");
        Informer volumes = m.informer("", "v1", "persistentvolumes");
        WorkQueue<ObjectKey> claimQueue = m.queue("claims");
        m.add("persistentvolume-binder", claimQueue, new ClaimBinder(client, claims, volumes,
                m.informer("storage.k8s.io", "v1", "storageclasses"), m.events, claimQueue), 2);
        WorkQueue<ObjectKey> releaseQueue = m.queue("volumes");
        m.add("persistentvolume-releaser", releaseQueue, new VolumeReleaser(client, volumes, claims, m.events, releaseQueue), 1);
        WorkQueue<ObjectKey> pvcProtectionQueue = m.queue("pvcprotection");
        m.add("pvc-protection", pvcProtectionQueue, InUseProtection.forClaims(client, claims, pods, pvcProtectionQueue), 1);
        WorkQueue<ObjectKey> pvProtectionQueue = m.queue("pvprotection");
        m.add("pv-protection", pvProtectionQueue, InUseProtection.forVolumes(client, volumes, pvProtectionQueue), 1);
        // ---- end PersistentVolumes ----

        // ---- node certificates: approve what nodes may have, sign what was approved ----
        Informer csrs = m.informer("certificates.k8s.io", "v1", "certificatesigningrequests");
        WorkQueue<ObjectKey> approvingQueue = m.queue("certificate");
        m.add("csrapproving", approvingQueue, CsrApprover.create(client, csrs, m.events, approvingQueue), 1);
        WorkQueue<ObjectKey> signingQueue = m.queue("certificate_signing");
        m.add("csrsigning", signingQueue, CsrSigner.create(client, csrs, m.events, signingQueue, clock), 2);

        List<Informer> collected = new ArrayList<>();
        for (String[] gvr : COLLECTED) collected.add(m.informer(gvr[0], gvr[1], gvr[2]));
        WorkQueue<GarbageCollector.Uid> gcQueue = m.queue("garbage_collector_attempt_to_delete");
        m.add(new Controller<>("garbage-collector", gcQueue, new GarbageCollector(client, collected, gcQueue), m.hub, 4));
        return m;
    }

    /** The informer of a built-in resource, shared by every controller that asks. */
    public Informer informer(String group, String version, String resource) {
        return hub.informer(builtin(group, version, resource));
    }

    public ResourceType builtin(String group, String version, String resource) {
        return cells.management().builtinApi().registry().find(group, version, resource)
                .orElseThrow(() -> new IllegalArgumentException("no built-in resource " + group + "/" + version + "/" + resource));
    }

    /** An in-process client writing as {@code fieldManager}. */
    public LocalClient client(String fieldManager) {
        return new LocalClient(cells, fieldManager);
    }

    public EventRecorder events() {
        return events;
    }

    public InformerHub hub() {
        return hub;
    }

    public Clock clock() {
        return clock;
    }

    /** A work queue with the default back-off, reporting to this manager's metrics. */
    public <K> WorkQueue<K> queue(String name) {
        return new WorkQueue<>(name, Backoff.DEFAULT, queueListener);
    }

    /** A controller to run with the others. */
    public <K> void add(Controller<K> controller) {
        controllers.add(controller);
    }

    /** A controller from its parts, with {@code workers} workers. */
    public <K> void add(String name, WorkQueue<K> queue, Reconciler<K> reconciler, int workers) {
        add(new Controller<>(name, queue, reconciler, hub, workers));
    }

    /** Lists every informer, then starts every controller. */
    public void start() {
        hub.start();
        controllers.forEach(Controller::start);
    }

    @Override
    public void close() {
        controllers.forEach(Controller::close);
        hub.close();
        events.close();
    }
}
