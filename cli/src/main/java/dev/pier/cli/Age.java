package dev.pier.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** An object's age in one unit, the largest that still reads well ({@code 45s}, {@code 12m}, {@code 5h}, {@code 3d}). */
final class Age {
    private Age() {
    }

    /** The age of an RFC 3339 timestamp at {@code now}; {@code <unknown>} for none or a malformed one. */
    static String since(String timestamp, Instant now) {
        if (timestamp == null || timestamp.isEmpty()) return "<unknown>";
        try {
            return of(Duration.between(Instant.parse(timestamp), now));
        } catch (DateTimeParseException e) {
            return "<unknown>";
        }
    }

    static String of(Duration age) {
        // clocks of client and server differ a little: an object "from the future" is just new
        long seconds = Math.max(0, age.toSeconds());
        if (seconds < 120) return seconds + "s";
        if (seconds < 120 * 60) return seconds / 60 + "m";
        if (seconds < 48 * 3600) return seconds / 3600 + "h";
        return seconds / 86400 + "d";
    }
}
