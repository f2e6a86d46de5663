package dev.pier.controllers.cronjob;

import dev.pier.apiserver.resources.batch.CronSchedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * When a CronJob should have run and when it runs next, as Kubernetes' CronJob controller computes it.
 * Activations are counted from the last scheduled time (or the CronJob's creation); when many were
 * missed, the latest one is found by jumping close to now with the schedule's interval rather than walking
 * every missed activation, an approximation Kubernetes makes too.
 *
 * @param schedule the parsed schedule
 * @param zone     the zone its fields are read in
 */
record ScheduleTimes(CronSchedule schedule, ZoneId zone) {
    /** Requeues land a little after the activation, so that a slightly early clock still sees it due. */
    static final Duration NEXT_DELTA = Duration.ofMillis(100);
    /** More missed activations than this are reported as a clock or configuration problem. */
    static final int MANY_MISSED = 100;

    enum Missed { NONE, FEW, MANY }

    /**
     * @param earliest   the time activations are counted from
     * @param mostRecent the latest activation at or before now, or null when there is none
     */
    record Recent(Instant earliest, Instant mostRecent, Missed missed) {
    }

    /** The first activation strictly after {@code t}; null when the schedule never fires again. */
    Instant next(Instant t) {
        ZonedDateTime n = schedule.next(t.atZone(zone));
        return n == null ? null : n.toInstant();
    }

    /**
     * The most recent activation in (earliest, now].
     *
     * @param startingDeadline when not null, activations older than this before now are no longer counted
     * @throws IllegalArgumentException when the schedule never fires (the 31st of February) or fires twice
     *                                  within a second
     */
    Recent mostRecent(Instant created, Instant lastScheduled, Duration startingDeadline, Instant now) {
        Instant earliest = lastScheduled != null ? lastScheduled : created;
        if (startingDeadline != null) {
            Instant deadline = now.minus(startingDeadline);
            if (deadline.isAfter(earliest)) earliest = deadline;
        }
        Instant t1 = next(earliest);
        if (t1 != null && now.isBefore(t1)) return new Recent(earliest, null, Missed.NONE);
        Instant t2 = t1 == null ? null : next(t1);
        if (t2 != null && now.isBefore(t2)) return new Recent(earliest, t1, Missed.NONE);
        long interval = t2 == null ? 0 : Math.round(Duration.between(t1, t2).toMillis() / 1000.0);
        // a schedule that never fires (the 31st of February) ends here, with Kubernetes' message for it
        if (interval < 1) throw new IllegalArgumentException("time difference between two schedules is less than 1 second");
        long missed = Duration.between(t1, now).toSeconds() / interval + 1;
        // start two intervals short of the estimate and let the schedule find the exact latest activation
        Instant from = t1.plusSeconds((missed - 2) * interval);
        Instant latest = null;
        for (Instant t = next(from); t != null && !t.isAfter(now); t = next(t)) latest = t;
        return new Recent(earliest, latest, missed > MANY_MISSED ? Missed.MANY : Missed.FEW);
    }

    /** How long until the next activation after the most recent one (or after now when some were missed); null if never. */
    Duration untilNext(Instant created, Instant lastScheduled, Instant now) {
        Instant from;
        try {
            Recent recent = mostRecent(created, lastScheduled, null, now);
            if (recent.mostRecent() != null) from = recent.mostRecent();
            else from = recent.missed() == Missed.NONE ? recent.earliest() : now;
        } catch (IllegalArgumentException e) {
            from = now;
        }
        Instant next = next(from);
        return next == null ? null : Duration.between(now, next.plus(NEXT_DELTA));
    }
}
