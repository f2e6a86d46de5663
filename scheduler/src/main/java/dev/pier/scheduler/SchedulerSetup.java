package dev.pier.scheduler;

import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.runtime.Controller;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.WorkQueue;

/** Adds the scheduler of every cell to a controller manager (it shares its informers and event recorder). */
public final class SchedulerSetup {
    private SchedulerSetup() {
    }

    /**
     * @param binPacking score the fullest feasible node first (Pier's default); false for the emptiest first
     */
    public static void register(ControllerManager manager, boolean binPacking, Scheduler.SchedulingMetrics metrics) {
        WorkQueue<ObjectKey> queue = manager.queue("scheduler");
        Scheduler scheduler = new Scheduler(manager.client("kube-scheduler"), manager.informer("", "v1", "nodes"),
                manager.informer("", "v1", "pods"), new Scheduler.VolumeInformers(manager.informer("", "v1", "persistentvolumeclaims"),
                        manager.informer("", "v1", "persistentvolumes"), manager.informer("storage.k8s.io", "v1", "storageclasses"),
                        manager.informer("storage.k8s.io", "v1", "csinodes")),
                manager.events(), queue, manager.clock(), binPacking, metrics);
        // Decisions of one cell are serial (under its state's lock); bindings, the slow part, run in parallel on
        // many workers. The scheduler remembers the pods it assumed, so it need not wait for its informers.
        manager.add(new Controller<>("scheduler", queue, scheduler, manager.hub(), 16, false));
    }
}
