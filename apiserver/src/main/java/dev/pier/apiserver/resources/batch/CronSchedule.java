package dev.pier.apiserver.resources.batch;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks CronJob schedules as Kubernetes' cron parser (robfig/cron's standard parser) reads them: five
 * fields (minute, hour, day of month, month, day of week) of numbers, names, ranges, steps and lists, or a
 * descriptor such as {@code @hourly} or {@code @every 1h30m}; its error messages are the parser's.
 */
final class CronSchedule {
    private record Bounds(int min, int max, Map<String, Integer> names) {
    }

    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
    private static final List<Bounds> FIELDS = List.of(
            new Bounds(0, 59, Map.of()),
            new Bounds(0, 23, Map.of()),
            new Bounds(1, 31, Map.of()),
            new Bounds(1, 12, names(MONTHS, 1)),
            new Bounds(0, 6, names(DAYS, 0)));
    private static final List<String> DESCRIPTORS = List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");
    private static final Pattern DURATION = Pattern.compile("([0-9]*(\\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+");

    private CronSchedule() {
    }

    private static Map<String, Integer> names(List<String> names, int first) {
        java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) m.put(names.get(i), first + i);
        return Map.copyOf(m);
    }

    /** Why the schedule cannot be parsed, or null when it can. */
    static String problem(String spec) {
        if (spec.isEmpty()) return "empty spec string";
        String s = spec;
        if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
            int space = s.indexOf(' ');
            String zone = s.substring(s.indexOf('=') + 1, space < 0 ? s.length() : space);
            if (!isZone(zone)) return "provided bad location " + zone + ": unknown time zone " + zone;
            s = space < 0 ? "" : s.substring(space).strip();
        }
        if (s.startsWith("@")) return descriptor(s);
        String[] fields = s.strip().split("\\s+");
        if (s.isBlank()) fields = new String[0];
        if (fields.length != 5) {
            return "expected exactly 5 fields, found " + fields.length + ": [" + String.join(" ", Arrays.asList(fields)) + "]";
        }
        for (int i = 0; i < 5; i++) {
            for (String expr : fields[i].split(",", -1)) {
                String why = range(expr, FIELDS.get(i));
                if (why != null) return why;
            }
        }
        return null;
    }

    private static String descriptor(String s) {
        if (DESCRIPTORS.contains(s)) return null;
        if (s.startsWith("@every ")) {
            String d = s.substring("@every ".length()).strip();
            return DURATION.matcher(d).matches() && !d.equals("0") ? null : "failed to parse duration " + s + ": time: invalid duration \"" + d + "\"";
        }
        return "unrecognized descriptor: " + s;
    }

    private static String range(String expr, Bounds b) {
        String[] rangeAndStep = expr.split("/", -1);
        String[] lowAndHigh = rangeAndStep[0].split("-", -1);
        long start;
        long end;
        try {
            if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
                start = b.min();
                end = b.max();
            } else {
                start = intOrName(lowAndHigh[0], b);
                if (lowAndHigh.length == 1) end = start;
                else if (lowAndHigh.length == 2) end = intOrName(lowAndHigh[1], b);
                else return "too many hyphens: " + expr;
            }
            long step = 1;
            if (rangeAndStep.length == 2) {
                step = number(rangeAndStep[1]);
                if (lowAndHigh.length == 1) end = b.max(); // "N/step" means "N-max/step"
            } else if (rangeAndStep.length > 2) {
                return "too many slashes: " + expr;
            }
            if (start < b.min()) return "beginning of range (" + start + ") below minimum (" + b.min() + "): " + expr;
            if (end > b.max()) return "end of range (" + end + ") above maximum (" + b.max() + "): " + expr;
            if (start > end) return "beginning of range (" + start + ") beyond end of range (" + end + "): " + expr;
            if (step == 0) return "step of range should be a positive number: " + expr;
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static long intOrName(String s, Bounds b) {
        Integer named = b.names().get(s.toLowerCase(Locale.ROOT));
        return named != null ? named : number(s);
    }

    private static long number(String s) {
        long n;
        try {
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("failed to parse int from " + s + ": strconv.Atoi: parsing \"" + s + "\": invalid syntax");
        }
        if (n < 0) throw new IllegalArgumentException("negative number (" + n + ") not allowed: " + s);
        return n;
    }

    /** Whether the name is an IANA time zone (Go's time.LoadLocation; "Local" is refused separately). */
    static boolean isZone(String zone) {
        return zone.equals("UTC") || ZoneId.getAvailableZoneIds().contains(zone);
    }
}
