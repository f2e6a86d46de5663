package dev.pier.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Kubernetes' flags write them: {@code 500ms}, {@code 40s}, {@code 5m}, {@code 1h}, or combined ({@code 1m30s}). */
final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {
    }

    static Duration parse(String flag, String text) {
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) break;
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end != text.length() || end == 0 || total.isZero()) {
            throw new IllegalArgumentException(flag + " must be a positive duration such as 40s, 2m or 1m30s, not \"" + text + "\"");
        }
        return total;
    }
}
