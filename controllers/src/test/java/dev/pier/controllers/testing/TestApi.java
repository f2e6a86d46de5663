package dev.pier.controllers.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.auth.TokenFile;
import dev.pier.apiserver.cell.Cells;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.client.ResourceClient;
import dev.pier.apiserver.registry.ResourceType;
import dev.pier.controllers.ControllerManager;
import dev.pier.controllers.runtime.EventRecorder;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.InformerHub;
import dev.pier.storage.sqlite.SqliteStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A real API (the management cell on a SQLite file) with informers and a clock the test moves, so that a
 * controller's sync can be called step by step, as its worker would, and its writes read back.
 */
public final class TestApi implements AutoCloseable {
    public static final String CELL = Cells.MANAGEMENT;
    public static final Instant START = Instant.parse("2025-03-14T10:00:00Z");

    public final TestClock clock = new TestClock(START);
    private final SqliteStore kv;
    private final Cells cells;
    private final InformerHub hub;
    public final LocalClient client;
    public final EventRecorder events;

    public TestApi(Path dir) {
        kv = SqliteStore.open(dir.resolve("state.db"));
        cells = new Cells(kv, clock, TokenFile.empty());
        hub = new InformerHub(kv);
        client = new LocalClient(cells, ControllerManager.FIELD_MANAGER);
        events = new EventRecorder(client, clock);
    }

    public ResourceType type(String group, String resource) {
        return client.builtin(group, "v1", resource);
    }

    /** The informer of a resource; ask for every informer before {@link #start}. */
    public Informer informer(String group, String resource) {
        return hub.informer(type(group, resource));
    }

    public ResourceClient resource(String group, String resource) {
        return client.resource(CELL, type(group, resource));
    }

    public void start() {
        hub.start();
    }

    /** Waits until the informers have seen every write so far, as a worker does after a sync that wrote. */
    public void settle() {
        try {
            if (!hub.awaitCurrent(Duration.ofSeconds(10))) throw new AssertionError("informers did not catch up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Waits, with a deadline of 10 s, until {@code probe} gives a value (not null), letting the informers catch up
     * between looks: for what the controllers' background writers (events) make.
     */
    public <T> T await(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            settle();
            T value = probe.get();
            if (value != null) return value;
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    public ObjectNode create(String group, String resource, ObjectNode object) {
        ObjectNode created = resource(group, resource).create("default", object);
        settle();
        return created;
    }

    @Override
    public void close() {
        hub.close();
        events.close();
        cells.close();
        kv.close();
    }
}
