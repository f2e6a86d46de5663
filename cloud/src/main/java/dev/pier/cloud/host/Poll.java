package dev.pier.cloud.host;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition on something outside the JVM that signals nothing (a process that starts
 * listening, a file that appears), checking it at short intervals until a deadline.
 */
public final class Poll {
  private static final Duration INTERVAL = Duration.ofMillis(50);

  private Poll() {}

  /** Returns once {@code condition} holds; throws {@link IllegalStateException} naming {@code what} after {@code timeout}. */
  public static void until(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what.get());
      }
      try {
        Thread.sleep(INTERVAL); // between two checks of the condition only
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what.get(), e);
      }
    }
  }
}
