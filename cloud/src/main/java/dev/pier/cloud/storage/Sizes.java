package dev.pier.cloud.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pier.apiserver.resources.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.OptionalLong;

/**
 * Volume sizes between API quantities and bytes. Volumes are made in whole MiB (a request is
 * rounded up, so the volume is never smaller than asked), and written back as the shortest binary
 * quantity, {@code 1Gi} rather than {@code 1024Mi}.
 */
final class Sizes {
  static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final long TIB = 1L << 40;

  private Sizes() {}

  /** The bytes of a quantity ({@code storage: 1Gi}), empty when absent or not a quantity. */
  static OptionalLong bytes(JsonNode quantity) {
    if (quantity == null || quantity.isMissingNode() || quantity.isNull()) return OptionalLong.empty();
    try {
      BigDecimal value = Quantity.of(quantity).value().setScale(0, RoundingMode.CEILING);
      return OptionalLong.of(value.longValueExact());
    } catch (IllegalArgumentException | ArithmeticException notASize) {
      return OptionalLong.empty();
    }
  }

  static long roundUpToMiB(long bytes) {
    return Math.multiplyExact(Math.ceilDiv(bytes, MIB), MIB);
  }

  /** A size in whole MiB as a quantity: {@code 1Gi}, {@code 1536Mi}, {@code 2Ti}. */
  static String quantity(long bytes) {
    if (bytes % TIB == 0) return bytes / TIB + "Ti";
    if (bytes % GIB == 0) return bytes / GIB + "Gi";
    if (bytes % MIB == 0) return bytes / MIB + "Mi";
    return Long.toString(bytes);
  }
}
