package dev.pier.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.WorkQueue;

/**
 * Enqueues the Services a changed pod belongs to: those whose selector matches its labels before or after
 * the change (a pod whose labels changed leaves one Service and joins another).
 */
final class ServicesOfPods implements EventHandler {
    private final Informer services;
    private final WorkQueue<ObjectKey> queue;

    ServicesOfPods(Informer services, WorkQueue<ObjectKey> queue) {
        this.services = services;
        this.queue = queue;
    }

    @Override
    public void onAdd(String cell, ObjectNode pod) {
        enqueue(cell, pod);
    }

    @Override
    public void onUpdate(String cell, ObjectNode old, ObjectNode current) {
        if (!old.path("metadata").path("labels").equals(current.path("metadata").path("labels"))) enqueue(cell, old);
        enqueue(cell, current);
    }

    @Override
    public void onDelete(String cell, ObjectNode last) {
        enqueue(cell, last);
    }

    private void enqueue(String cell, JsonNode pod) {
        for (ObjectNode svc : services.list(cell, pod.path("metadata").path("namespace").asText())) {
            if (ServicePods.selects(svc, pod)) queue.add(ObjectKey.of(cell, svc));
        }
    }
}
