package dev.pier.apiserver.table;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Renders ages the way kubectl does ({@code 45s}, {@code 12m}, {@code 3h5m}, {@code 2d4h}, {@code 40d},
 * {@code 2y13d}): the same bands as Kubernetes' HumanDuration, so that Pier's AGE columns read alike.
 */
public final class Ages {
    private Ages() {
    }

    /** The age of an RFC 3339 timestamp; {@code <unknown>} when there is none. */
    public static String since(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) return "<unknown>";
        try {
            return human(Duration.between(Instant.parse(rfc3339), Instant.now()));
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
    }

    /** The length of time between two RFC 3339 timestamps (a Job's DURATION); "" when the start is missing. */
    public static String between(String startRfc3339, String endRfc3339) {
        if (startRfc3339 == null || startRfc3339.isEmpty()) return "";
        if (endRfc3339 == null || endRfc3339.isEmpty()) return since(startRfc3339);
        try {
            return human(Duration.between(Instant.parse(startRfc3339), Instant.parse(endRfc3339)));
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
    }

    public static String human(Duration d) {
        long s = d.toSeconds();
        // Clocks of different machines disagree a little: up to a second into the future still reads as now.
        if (s < -1) return "<invalid>";
        if (s < 0) return "0s";
        if (s < 120) return s + "s";
        long m = s / 60;
        if (m < 10) return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        if (m < 180) return m + "m";
        long h = m / 60;
        if (h < 8) return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
        if (h < 48) return h + "h";
        if (h < 24 * 8) return (h / 24) + "d" + (h % 24 == 0 ? "" : (h % 24) + "h");
        if (h < 24 * 365 * 2) return (h / 24) + "d";
        long days = h / 24;
        if (h < 24 * 365 * 8) return (days / 365) + "y" + (days % 365 == 0 ? "" : (days % 365) + "d");
        return (days / 365) + "y";
    }
}
