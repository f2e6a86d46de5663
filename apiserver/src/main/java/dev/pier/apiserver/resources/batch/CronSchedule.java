package dev.pier.apiserver.resources.batch;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CronJob schedule as Kubernetes' cron parser (robfig/cron's standard parser) reads it: five fields
 * (minute, hour, day of month, month, day of week) of numbers, names, ranges, steps and lists, or a
 * descriptor such as {@code @hourly} or {@code @every 1h30m}, optionally after {@code TZ=zone}. Parse errors
 * carry the parser's messages, which the API returns as validation errors.
 *
 * <p>The API server only checks schedules ({@link #problem}); the CronJob controller asks for the next
 * activation ({@link #next}). Each field is a bit set of the values it allows. As in robfig/cron, the two
 * day fields are combined with AND when either is unrestricted ({@code *} or {@code ?}) and with OR
 * otherwise (Vixie cron's rule), and the search for the next time walks local time in the schedule's zone,
 * so that a time skipped by a daylight-saving change is skipped and one repeated fires twice.
 */
public final class CronSchedule {
    private record Bounds(int min, int max, Map<String, Integer> names) {
    }

    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
    private static final Bounds MINUTE = new Bounds(0, 59, Map.of());
    private static final Bounds HOUR = new Bounds(0, 23, Map.of());
    private static final Bounds DAY_OF_MONTH = new Bounds(1, 31, Map.of());
    private static final Bounds MONTH = new Bounds(1, 12, names(MONTHS, 1));
    private static final Bounds DAY_OF_WEEK = new Bounds(0, 6, names(DAYS, 0));
    private static final List<Bounds> FIELDS = List.of(MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK);
    /** The descriptors and the five fields each stands for. */
    private static final Map<String, String> DESCRIPTORS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final Pattern DURATION = Pattern.compile("([0-9]*(\\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");
    /** How far ahead {@link #next} looks before it decides the schedule never fires (robfig/cron's limit). */
    private static final int YEARS_AHEAD = 5;

    /** Null: the zone of the time {@link #next} is given. */
    private final ZoneId zone;
    /** Non-null for {@code @every}: a fixed delay, whole seconds, at least one. */
    private final Duration every;
    private final long minutes;
    private final long hours;
    private final long daysOfMonth;
    private final long months;
    private final long daysOfWeek;
    /** Whether the day-of-month or day-of-week field was {@code *} or {@code ?} (without a step). */
    private final boolean anyDay;

    private CronSchedule(ZoneId zone, Duration every, long[] bits, boolean anyDay) {
        this.zone = zone;
        this.every = every;
        this.minutes = bits[0];
        this.hours = bits[1];
        this.daysOfMonth = bits[2];
        this.months = bits[3];
        this.daysOfWeek = bits[4];
        this.anyDay = anyDay;
    }

    private static Map<String, Integer> names(List<String> names, int first) {
        HashMap<String, Integer> m = new HashMap<>();
        for (int i = 0; i < names.size(); i++) m.put(names.get(i), first + i);
        return Map.copyOf(m);
    }

    /**
     * Parses a schedule.
     *
     * @throws IllegalArgumentException with the parser's message when it cannot be parsed
     */
    public static CronSchedule parse(String spec) {
        if (spec.isEmpty()) throw new IllegalArgumentException("empty spec string");
        String s = spec;
        ZoneId zone = null;
        if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
            int space = s.indexOf(' ');
            String name = s.substring(s.indexOf('=') + 1, space < 0 ? s.length() : space);
            if (!isZone(name)) throw new IllegalArgumentException("provided bad location " + name + ": unknown time zone " + name);
            zone = zoneOf(name);
            s = space < 0 ? "" : s.substring(space).strip();
        }
        if (s.startsWith("@")) return descriptor(s, zone);
        String[] fields = s.strip().split("\\s+");
        if (s.isBlank()) fields = new String[0];
        if (fields.length != 5) {
            throw new IllegalArgumentException("expected exactly 5 fields, found " + fields.length + ": ["
                    + String.join(" ", Arrays.asList(fields)) + "]");
        }
        long[] bits = new long[5];
        boolean[] star = new boolean[5];
        for (int i = 0; i < 5; i++) {
            for (String expr : fields[i].split(",", -1)) {
                bits[i] |= range(expr, FIELDS.get(i), star, i);
            }
        }
        return new CronSchedule(zone, null, bits, star[2] || star[4]);
    }

    /** Why the schedule cannot be parsed, or null when it can. */
    static String problem(String spec) {
        try {
            parse(spec);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The zone a {@code TZ=} prefix names, if any. */
    public Optional<ZoneId> zone() {
        return Optional.ofNullable(zone);
    }

    /**
     * The first activation strictly after {@code after}: in the schedule's own zone when it names one, else
     * in {@code after}'s zone. Null when the schedule never fires in the next five years (the 30th of
     * February).
     */
    public ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime t = zone == null ? after : after.withZoneSameInstant(zone);
        if (every != null) return t.truncatedTo(ChronoUnit.SECONDS).plus(every);
        // every activation is on a whole minute: start at the first whole minute after `after`
        t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        int lastYear = t.getYear() + YEARS_AHEAD;
        while (t.getYear() <= lastYear) {
            if (!has(months, t.getMonthValue())) {
                t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(t.getZone());
            } else if (!dayMatches(t)) {
                t = t.toLocalDate().plusDays(1).atStartOfDay(t.getZone());
            } else if (!has(hours, t.getHour())) {
                // by the instant, not the wall clock: an hour a DST change skips is skipped
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!has(minutes, t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return t;
            }
        }
        return null;
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = has(daysOfMonth, t.getDayOfMonth());
        boolean dow = has(daysOfWeek, t.getDayOfWeek().getValue() % 7);
        return anyDay ? dom && dow : dom || dow;
    }

    private static boolean has(long bits, int value) {
        return (bits & (1L << value)) != 0;
    }

    private static CronSchedule descriptor(String s, ZoneId zone) {
        String fields = DESCRIPTORS.get(s);
        if (fields != null) {
            CronSchedule parsed = parse(fields);
            return new CronSchedule(zone, null,
                    new long[]{parsed.minutes, parsed.hours, parsed.daysOfMonth, parsed.months, parsed.daysOfWeek}, parsed.anyDay);
        }
        if (s.startsWith("@every ")) {
            String d = s.substring("@every ".length()).strip();
            if (!DURATION.matcher(d).matches() || d.equals("0")) {
                throw new IllegalArgumentException("failed to parse duration " + s + ": time: invalid duration \"" + d + "\"");
            }
            return new CronSchedule(zone, everyDelay(d), new long[5], false);
        }
        throw new IllegalArgumentException("unrecognized descriptor: " + s);
    }

    /** A Go duration ("1h30m", "90s", "1.5h") as robfig/cron uses it: whole seconds, at least one. */
    private static Duration everyDelay(String goDuration) {
        double nanos = 0;
        Matcher m = DURATION_PART.matcher(goDuration);
        while (m.find()) {
            String number = m.group(1);
            double value = number.isEmpty() || number.equals(".") ? 0 : Double.parseDouble(number);
            nanos += value * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs", "μs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
        }
        long seconds = (long) (nanos / 1e9);
        return Duration.ofSeconds(Math.max(seconds, 1));
    }

    /** The bits of one expression of a field ({@code 1-5/2}, {@code *}, {@code mon}); marks an unrestricted field. */
    private static long range(String expr, Bounds b, boolean[] star, int field) {
        String[] rangeAndStep = expr.split("/", -1);
        String[] lowAndHigh = rangeAndStep[0].split("-", -1);
        long start;
        long end;
        boolean any = false;
        if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
            start = b.min();
            end = b.max();
            any = true;
        } else {
            start = intOrName(lowAndHigh[0], b);
            if (lowAndHigh.length == 1) end = start;
            else if (lowAndHigh.length == 2) end = intOrName(lowAndHigh[1], b);
            else throw new IllegalArgumentException("too many hyphens: " + expr);
        }
        long step = 1;
        if (rangeAndStep.length == 2) {
            step = number(rangeAndStep[1]);
            if (lowAndHigh.length == 1) end = b.max(); // "N/step" means "N-max/step"
            if (step > 1) any = false;
        } else if (rangeAndStep.length > 2) {
            throw new IllegalArgumentException("too many slashes: " + expr);
        }
        if (start < b.min()) throw new IllegalArgumentException("beginning of range (" + start + ") below minimum (" + b.min() + "): " + expr);
        if (end > b.max()) throw new IllegalArgumentException("end of range (" + end + ") above maximum (" + b.max() + "): " + expr);
        if (start > end) throw new IllegalArgumentException("beginning of range (" + start + ") beyond end of range (" + end + "): " + expr);
        if (step == 0) throw new IllegalArgumentException("step of range should be a positive number: " + expr);
        if (any) star[field] = true;
        long bits = 0;
        for (long v = start; v <= end; v += step) bits |= 1L << v;
        return bits;
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
    public static boolean isZone(String zone) {
        return zone.equals("UTC") || ZoneId.getAvailableZoneIds().contains(zone);
    }

    /** The zone of an IANA name that {@link #isZone} accepts. */
    public static ZoneId zoneOf(String zone) {
        return zone.equals("UTC") ? ZoneOffset.UTC : ZoneId.of(zone);
    }
}
