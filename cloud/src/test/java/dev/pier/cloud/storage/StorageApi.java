package dev.pier.cloud.storage;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A real API (the management cell on a SQLite file) with informers, so that the storage
 * controllers' syncs can be called step by step, as their workers would, and their writes read back.
 */
final class StorageApi implements AutoCloseable {
  static final String CELL = Cells.MANAGEMENT;

  final Clock clock = Clock.systemUTC();
  private final SqliteStore kv;
  private final Cells cells;
  private final InformerHub hub;
  final LocalClient client;
  final EventRecorder events;
  private final Informer eventInformer;

  StorageApi(Path dir) {
    kv = SqliteStore.open(dir.resolve("state.db"));
    cells = new Cells(kv, clock, TokenFile.empty());
    hub = new InformerHub(kv);
    client = new LocalClient(cells, ControllerManager.FIELD_MANAGER);
    events = new EventRecorder(client, clock);
    eventInformer = informer("", "v1", "events");
  }

  ResourceType type(String group, String version, String resource) {
    return client.builtin(group, version, resource);
  }

  /** The informer of a resource; ask for every informer before {@link #start}. */
  Informer informer(String group, String version, String resource) {
    return hub.informer(type(group, version, resource));
  }

  ResourceClient resource(String group, String version, String resource) {
    return client.resource(CELL, type(group, version, resource));
  }

  void start() {
    hub.start();
  }

  /** Waits until the informers have seen every write so far, as a worker does after a sync that wrote. */
  void settle() {
    try {
      if (!hub.awaitCurrent(Duration.ofSeconds(10))) throw new AssertionError("informers did not catch up");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** "reason: message" of every Event about an object so far (Events are written in the background). */
  List<String> eventsAbout(String name) {
    settle();
    return eventInformer.listCell(CELL).stream()
        .filter(e -> e.path("involvedObject").path("name").asText().equals(name))
        .sorted(java.util.Comparator.comparing((JsonNode e) -> e.path("metadata").path("name").asText()))
        .map(e -> e.path("type").asText() + " " + e.path("reason").asText() + ": " + e.path("message").asText())
        .toList();
  }

  /** Waits for an Event of {@code reason} about an object; returns every Event about it, as {@link #eventsAbout}. */
  List<String> awaitEvent(String name, String reason) {
    dev.pier.cloud.host.Poll.until(Duration.ofSeconds(10), () -> "event " + reason + " about " + name + " in " + eventsAbout(name),
        () -> eventsAbout(name).stream().anyMatch(e -> e.contains(" " + reason + ": ")));
    return eventsAbout(name);
  }

  @Override
  public void close() {
    hub.close();
    events.close();
    cells.close();
    kv.close();
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
