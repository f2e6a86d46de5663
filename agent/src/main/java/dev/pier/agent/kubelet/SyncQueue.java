package dev.pier.agent.kubelet;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The pods waiting for a sync, by uid: a pod is queued once however often it is marked, and never
 * synced by two workers at once (marked while being synced, it is queued again when that ends).
 */
final class SyncQueue {
  private final Deque<String> queue = new ArrayDeque<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> processing = new HashSet<>();
  private final ScheduledExecutorService timers;
  private boolean closed;

  SyncQueue(ScheduledExecutorService timers) {
    this.timers = timers;
  }

  synchronized void add(String uid) {
    if (closed || !dirty.add(uid)) return;
    if (!processing.contains(uid)) {
      queue.add(uid);
      notify();
    }
  }

  void addAfter(String uid, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(uid);
    } else {
      timers.schedule(() -> add(uid), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The next pod to sync, or null once closed. */
  synchronized String take() throws InterruptedException {
    while (queue.isEmpty() && !closed) wait();
    if (closed) return null;
    String uid = queue.poll();
    dirty.remove(uid);
    processing.add(uid);
    return uid;
  }

  synchronized void done(String uid) {
    processing.remove(uid);
    if (dirty.contains(uid) && !closed) {
      queue.add(uid);
      notify();
    }
  }

  synchronized int depth() {
    return queue.size();
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
