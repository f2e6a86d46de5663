package dev.pier.agent.server;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/**
 * The kubelet's container log options, from the query of {@code /containerLogs/...}: what
 * {@code kubectl logs} sends through the API server ({@code follow}, {@code tailLines},
 * {@code sinceSeconds}, {@code sinceTime}, {@code timestamps}, {@code previous}, {@code limitBytes}).
 *
 * @param tailLines  empty for the whole log
 * @param since      the earliest message to show; empty for all
 * @param limitBytes empty for no limit
 */
record LogOptions(boolean follow, Optional<Long> tailLines, Optional<Instant> since, boolean timestamps, boolean previous,
                  Optional<Long> limitBytes) {

  /** @throws IllegalArgumentException naming the parameter that is wrong */
  static LogOptions parse(Function<String, String> query, Clock clock) {
    Optional<Instant> since = Optional.empty();
    Optional<Long> sinceSeconds = number(query, "sinceSeconds");
    String sinceTime = query.apply("sinceTime");
    if (sinceSeconds.isPresent() && sinceTime != null) {
      throw new IllegalArgumentException("at most one of sinceTime or sinceSeconds may be specified");
    }
    if (sinceSeconds.isPresent()) since = Optional.of(clock.instant().minusSeconds(sinceSeconds.get()));
    if (sinceTime != null) {
      try {
        since = Optional.of(OffsetDateTime.parse(sinceTime).toInstant());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("sinceTime must be an RFC 3339 time, not \"" + sinceTime + "\"");
      }
    }
    return new LogOptions(flag(query, "follow"), number(query, "tailLines"), since, flag(query, "timestamps"),
        flag(query, "previous"), number(query, "limitBytes"));
  }

  private static boolean flag(Function<String, String> query, String name) {
    String v = query.apply(name);
    return v != null && (v.equals("true") || v.equals("1"));
  }

  private static Optional<Long> number(Function<String, String> query, String name) {
    String v = query.apply(name);
    if (v == null || v.isEmpty()) return Optional.empty();
    try {
      long n = Long.parseLong(v);
      if (n < 0) throw new NumberFormatException();
      return Optional.of(n);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a non-negative integer, not \"" + v + "\"");
    }
  }
}
