package dev.pier.apiserver.table;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Renders ages the way kubectl does: {@code 45s}, {@code 12m}, {@code 3h5m}, {@code 2d4h}, {@code 40d}. */
public final class Ages {
    private Ages() {
    }

    public static String since(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) return "<unknown>";
        try {
            return human(Duration.between(Instant.parse(rfc3339), Instant.now()));
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
    }

    public static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) return s + "s";
        long m = s / 60;
        if (m < 10) return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        if (m < 180) return m + "m";
        long h = m / 60;
        if (h < 8) return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
        if (h < 48) return h + "h";
        long days = h / 24;
        if (days < 8) return days + "d" + (h % 24 == 0 ? "" : (h % 24) + "h");
        if (days < 365 * 2) return days + "d";
        return (days / 365) + "y";
    }
}
