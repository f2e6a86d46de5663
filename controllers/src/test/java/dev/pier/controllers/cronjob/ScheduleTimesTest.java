package dev.pier.controllers.cronjob;

import dev.pier.apiserver.resources.batch.CronSchedule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleTimesTest {
    private static final Instant CREATED = Instant.parse("2025-03-14T10:00:30Z");

    private static ScheduleTimes times(String schedule) {
        return new ScheduleTimes(CronSchedule.parse(schedule), ZoneOffset.UTC);
    }

    @Test
    void nothingIsDueBeforeTheFirstActivation() {
        ScheduleTimes.Recent r = times("* * * * *").mostRecent(CREATED, null, null, CREATED.plusSeconds(20));
        assertThat(r.mostRecent()).isNull();
        assertThat(r.missed()).isEqualTo(ScheduleTimes.Missed.NONE);
    }

    @Test
    void theActivationJustPassedIsDue() {
        Instant now = Instant.parse("2025-03-14T10:01:05Z");
        ScheduleTimes.Recent r = times("* * * * *").mostRecent(CREATED, null, null, now);
        assertThat(r.mostRecent()).isEqualTo(Instant.parse("2025-03-14T10:01:00Z"));
        assertThat(r.missed()).isEqualTo(ScheduleTimes.Missed.NONE);
        // once started it is the last scheduled time: nothing more is due until the next minute
        assertThat(times("* * * * *").mostRecent(CREATED, r.mostRecent(), null, now).mostRecent()).isNull();
    }

    @Test
    void afterMissedActivationsOnlyTheLatestIsDue() {
        Instant now = Instant.parse("2025-03-14T15:20:00Z");
        ScheduleTimes.Recent r = times("@hourly").mostRecent(CREATED, null, null, now);
        assertThat(r.mostRecent()).isEqualTo(Instant.parse("2025-03-14T15:00:00Z"));
        assertThat(r.missed()).isEqualTo(ScheduleTimes.Missed.FEW);
        ScheduleTimes.Recent many = times("* * * * *").mostRecent(CREATED, null, null, now);
        assertThat(many.mostRecent()).isEqualTo(Instant.parse("2025-03-14T15:20:00Z"));
        assertThat(many.missed()).isEqualTo(ScheduleTimes.Missed.MANY);
    }

    @Test
    void aStartingDeadlineForgetsOlderActivations() {
        Instant now = Instant.parse("2025-03-14T15:20:00Z");
        ScheduleTimes.Recent r = times("@hourly").mostRecent(CREATED, null, Duration.ofMinutes(10), now);
        assertThat(r.mostRecent()).isNull();
        assertThat(r.earliest()).isEqualTo(now.minus(Duration.ofMinutes(10)));
    }

    @Test
    void theNextSyncIsJustAfterTheNextActivation() {
        ScheduleTimes every = times("*/5 * * * *");
        assertThat(every.untilNext(CREATED, null, Instant.parse("2025-03-14T10:02:00Z")))
                .isEqualTo(Duration.ofMinutes(3).plusMillis(100));
        assertThat(every.untilNext(CREATED, Instant.parse("2025-03-14T10:05:00Z"), Instant.parse("2025-03-14T10:05:01Z")))
                .isEqualTo(Duration.ofMinutes(5).minusSeconds(1).plusMillis(100));
        assertThat(times("0 0 30 2 *").untilNext(CREATED, null, CREATED)).isNull();
    }

    @Test
    void schedulesAreReadInTheirZone() {
        ScheduleTimes tokyo = new ScheduleTimes(CronSchedule.parse("0 9 * * *"), ZoneId.of("Asia/Tokyo"));
        Instant now = Instant.parse("2025-03-15T00:00:10Z"); // 09:00:10 in Tokyo
        assertThat(tokyo.mostRecent(CREATED, null, null, now).mostRecent()).isEqualTo(Instant.parse("2025-03-15T00:00:00Z"));
    }

    @Test
    void anImpossibleScheduleIsAnError() {
        assertThatThrownBy(() -> times("0 0 31 2 *").mostRecent(CREATED, null, null, CREATED.plusSeconds(3600)))
                .hasMessage("time difference between two schedules is less than 1 second");
    }
}
