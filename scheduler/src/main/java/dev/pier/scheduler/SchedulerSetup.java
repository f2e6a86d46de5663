package dev.pier.scheduler;

import dev.pier.controllers.ControllerManager;
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
                manager.informer("", "v1", "pods"), manager.events(), queue, manager.clock(), binPacking, metrics);
        // one worker: decisions of a cell are serial anyway, and bindings are quick in process
        manager.add("scheduler", queue, scheduler, 2);
    }
}
