package dev.pier.cloud;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; never a blind sleep. */
final class Await {
  private static final Duration POLL = Duration.ofMillis(100);

  private Await() {}

  static void until(Duration timeout, String what, BooleanSupplier condition) {
    until(timeout, () -> what, condition);
  }

  static void until(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
      }
      try {
        Thread.sleep(POLL); // between two checks of the condition only
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while polling", e);
      }
    }
  }
}
