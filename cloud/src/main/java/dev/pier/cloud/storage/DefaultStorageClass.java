package dev.pier.cloud.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pier.apiserver.client.LocalClient;
import dev.pier.apiserver.errors.ApiException;
import dev.pier.apiserver.meta.Json;
import dev.pier.controllers.runtime.EventHandler;
import dev.pier.controllers.runtime.Informer;
import dev.pier.controllers.runtime.ObjectKey;
import dev.pier.controllers.runtime.Owners;
import dev.pier.controllers.runtime.Reconciler;
import dev.pier.controllers.runtime.Result;
import dev.pier.controllers.runtime.WorkQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every cell the StorageClass {@value #NAME} of Pier's block storage, as a managed
 * Kubernetes service ships a default class: provisioner {@value BlockDriver#NAME}, the cluster's
 * default, WaitForFirstConsumer, expandable, reclaim policy Delete, parameter {@code type: standard}.
 * A cell is known by its {@code kube-system} namespace (every cell has one from its start); keys
 * are {@code <cell>//kube-system}.
 *
 * <p>The class is made once per cell and server run, only when it is missing: a user who edits it
 * keeps the edit, and one who deletes it sees it come back at the next start of the server (not
 * before), as addon managers in {@code EnsureExists} mode do. If another class is the default
 * already, {@value #NAME} is made without the default annotation, so a cell never gets two defaults
 * from us.
 */
final class DefaultStorageClass implements Reconciler<ObjectKey> {
  private static final Logger log = LoggerFactory.getLogger(DefaultStorageClass.class);
  static final String NAME = "standard";
  static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
  private static final String KUBE_SYSTEM = "kube-system";

  private final LocalClient client;
  private final Informer namespaces;
  private final Informer classes;
  /** Cells whose class was ensured in this run. */
  private final Set<String> ensured = ConcurrentHashMap.newKeySet();

  private DefaultStorageClass(LocalClient client, Informer namespaces, Informer classes) {
    this.client = client;
    this.namespaces = namespaces;
    this.classes = classes;
  }

  static DefaultStorageClass create(LocalClient client, Informer namespaces, Informer classes, WorkQueue<ObjectKey> queue) {
    var controller = new DefaultStorageClass(client, namespaces, classes);
    namespaces.addHandler(new EventHandler() {
      @Override
      public void onAdd(String cell, ObjectNode ns) {
        if (isKubeSystem(ns)) queue.add(key(cell));
      }

      @Override
      public void onUpdate(String cell, ObjectNode old, ObjectNode ns) {
        // nothing changes for the class
      }

      @Override
      public void onDelete(String cell, ObjectNode last) {
        // the cell is being deleted: a new cell of that name gets its class again
        if (isKubeSystem(last)) controller.ensured.remove(cell);
      }
    });
    return controller;
  }

  private static ObjectKey key(String cell) {
    return new ObjectKey(cell, "", KUBE_SYSTEM);
  }

  private static boolean isKubeSystem(ObjectNode ns) {
    return ns.path("metadata").path("name").asText().equals(KUBE_SYSTEM);
  }

  @Override
  public Result sync(ObjectKey key) {
    if (ensured.contains(key.cell())) return Result.done();
    var ns = namespaces.get(key);
    if (ns.isEmpty() || Owners.isBeingDeleted(ns.get())) return Result.done();
    if (classes.get(new ObjectKey(key.cell(), "", NAME)).isEmpty()) {
      boolean otherDefault = classes.listCell(key.cell()).stream()
          .anyMatch(sc -> sc.path("metadata").path("annotations").path(DEFAULT_CLASS).asText().equals("true"));
      try {
        client.resource(key.cell(), classes.type()).create("", standardClass(!otherDefault));
        log.info("created the StorageClass {} of cell {}{}", NAME, key.cell(), otherDefault ? " (not the default: the cell has one)" : "");
      } catch (ApiException e) {
        if (e.code() != 409) throw e; // 409: made meanwhile
      }
    }
    ensured.add(key.cell());
    return Result.done();
  }

  static ObjectNode standardClass(boolean isDefault) {
    ObjectNode sc = Json.object();
    sc.put("apiVersion", "storage.k8s.io/v1");
    sc.put("kind", "StorageClass");
    ObjectNode meta = sc.putObject("metadata");
    meta.put("name", NAME);
    if (isDefault) meta.putObject("annotations").put(DEFAULT_CLASS, "true");
    sc.put("provisioner", BlockDriver.NAME);
    sc.put("reclaimPolicy", "Delete");
    sc.put("volumeBindingMode", "WaitForFirstConsumer");
    sc.put("allowVolumeExpansion", true);
    sc.putObject("parameters").put("type", BlockDriver.DEFAULT_TYPE);
    return sc;
  }
}
