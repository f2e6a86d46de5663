package dev.pier.controllers.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.meta.Json;
import dev.pier.apiserver.registry.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records core/v1 Events about objects (what {@code kubectl describe} and {@code kubectl get events} show).
 * Writing an event must not slow a sync down or fail it, so events are queued and written by one
 * background thread; when the queue is full, events are dropped with a log line, as Kubernetes'
 * broadcaster does.
 */
public final class EventRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

    private record Pending(String cell, String namespace, ObjectNode event) {
    }

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final LocalClient client;
    private final ResourceType events;
    private final Clock clock;
    private final BlockingQueue<Pending> pending = new ArrayBlockingQueue<>(10_000);
    private final Thread writer;

    public EventRecorder(LocalClient client, Clock clock) {
        this.client = client;
        this.events = client.builtin("", "v1", "events");
        this.clock = clock;
        this.writer = Thread.ofVirtual().name("event-recorder").start(this::drain);
    }

    /** A Normal event. */
    public void normal(String cell, JsonNode object, String component, String reason, String message) {
        record(cell, object, component, "Normal", reason, message);
    }

    /** A Warning event. */
    public void warning(String cell, JsonNode object, String component, String reason, String message) {
        record(cell, object, component, "Warning", reason, message);
    }

    private void record(String cell, JsonNode object, String component, String type, String reason, String message) {
        JsonNode meta = object.path("metadata");
        String namespace = meta.path("namespace").asText("");
        if (namespace.isEmpty()) namespace = "default"; // cluster-scoped objects' events live in default
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        ObjectNode event = Json.object();
        ObjectNode em = event.putObject("metadata");
        // Kubernetes names events <object>.<hex time>; a sequence keeps names apart within one millisecond
        long unique = Instant.now(clock).toEpochMilli() * 1_000_000L + SEQUENCE.incrementAndGet() % 1_000_000L;
        em.put("name", meta.path("name").asText() + "." + Long.toHexString(unique));
        em.put("namespace", namespace);
        ObjectNode involved = event.putObject("involvedObject");
        involved.put("kind", object.path("kind").asText());
        if (!meta.path("namespace").asText("").isEmpty()) involved.put("namespace", meta.path("namespace").asText());
        involved.put("name", meta.path("name").asText());
        involved.put("uid", meta.path("uid").asText());
        involved.put("apiVersion", object.path("apiVersion").asText());
        involved.put("resourceVersion", meta.path("resourceVersion").asText());
        event.put("reason", reason);
        event.put("message", message);
        event.putObject("source").put("component", component);
        event.put("firstTimestamp", now);
        event.put("lastTimestamp", now);
        event.put("count", 1);
        event.put("type", type);
        event.put("reportingComponent", component);
        event.put("reportingInstance", "");
        if (!pending.offer(new Pending(cell, namespace, event))) {
            LOG.warn("event queue full; dropped {} {} for {}", type, reason, meta.path("name").asText());
        }
    }

    private void drain() {
        while (true) {
            Pending p;
            try {
                p = pending.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                client.resource(p.cell(), events).create(p.namespace(), p.event());
            } catch (RuntimeException e) {
                // the namespace may be terminating or gone; events are best effort
                LOG.debug("could not record event {} in {}/{}: {}", p.event().path("reason").asText(), p.cell(), p.namespace(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        writer.interrupt();
    }
}
