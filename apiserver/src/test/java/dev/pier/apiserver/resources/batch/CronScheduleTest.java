package dev.pier.apiserver.resources.batch;

import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronScheduleTest {
    private static final ZonedDateTime T0 = ZonedDateTime.of(2025, 3, 14, 10, 17, 42, 0, ZoneOffset.UTC); // a Friday

    private static ZonedDateTime next(String spec, ZonedDateTime after) {
        return CronSchedule.parse(spec).next(after);
    }

    private static ZonedDateTime utc(int year, int month, int day, int hour, int minute) {
        return ZonedDateTime.of(year, month, day, hour, minute, 0, 0, ZoneOffset.UTC);
    }

    @Test
    void everyMinuteFiresOnTheNextWholeMinute() {
        assertThat(next("* * * * *", T0)).isEqualTo(utc(2025, 3, 14, 10, 18));
        // strictly after: a whole minute moves on to the following one
        assertThat(next("* * * * *", utc(2025, 3, 14, 10, 18))).isEqualTo(utc(2025, 3, 14, 10, 19));
    }

    @Test
    void fieldsListsRangesStepsAndNames() {
        assertThat(next("*/15 * * * *", T0)).isEqualTo(utc(2025, 3, 14, 10, 30));
        assertThat(next("5,50 9-11 * * *", T0)).isEqualTo(utc(2025, 3, 14, 10, 50));
        assertThat(next("0 0 * * mon", T0)).isEqualTo(utc(2025, 3, 17, 0, 0));
        assertThat(next("0 12 1 jan-mar/2 *", T0)).isEqualTo(utc(2026, 1, 1, 12, 0));
        // "N/step" is N to the field's maximum
        assertThat(next("50/5 10 * * *", T0)).isEqualTo(utc(2025, 3, 14, 10, 50));
    }

    @Test
    void descriptorsStandForTheirFields() {
        assertThat(next("@hourly", T0)).isEqualTo(utc(2025, 3, 14, 11, 0));
        assertThat(next("@daily", T0)).isEqualTo(utc(2025, 3, 15, 0, 0));
        assertThat(next("@midnight", T0)).isEqualTo(utc(2025, 3, 15, 0, 0));
        assertThat(next("@weekly", T0)).isEqualTo(utc(2025, 3, 16, 0, 0)); // Sunday
        assertThat(next("@monthly", T0)).isEqualTo(utc(2025, 4, 1, 0, 0));
        assertThat(next("@yearly", T0)).isEqualTo(utc(2026, 1, 1, 0, 0));
        assertThat(next("@annually", T0)).isEqualTo(utc(2026, 1, 1, 0, 0));
    }

    @Test
    void everyAddsAFixedDelayInWholeSeconds() {
        assertThat(next("@every 1h30m", T0)).isEqualTo(T0.plusMinutes(90));
        assertThat(next("@every 90s", T0.plusNanos(500_000_000))).isEqualTo(T0.plusSeconds(90));
        assertThat(next("@every 1.5s", T0)).isEqualTo(T0.plusSeconds(1));
        assertThat(next("@every 10ms", T0)).as("at least a second").isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void restrictedDaysOfMonthAndWeekAreEitherOr() {
        // the 13th or any Monday: Monday the 17th comes first after Friday the 14th
        assertThat(next("0 0 13 * 1", T0)).isEqualTo(utc(2025, 3, 17, 0, 0));
        // with the day of week unrestricted only the day of month decides, and the other way round
        assertThat(next("0 0 13 * *", T0)).isEqualTo(utc(2025, 4, 13, 0, 0));
        assertThat(next("0 0 * * 1", T0)).isEqualTo(utc(2025, 3, 17, 0, 0));
        assertThat(next("0 0 */1 * 1", T0)).as("a step of one leaves a field unrestricted").isEqualTo(utc(2025, 3, 17, 0, 0));
        // a longer step restricts the field: odd days or Mondays
        assertThat(next("0 0 */2 * 1", T0)).isEqualTo(utc(2025, 3, 15, 0, 0));
    }

    @Test
    void impossibleDatesNeverFire() {
        assertThat(next("0 0 30 2 *", T0)).isNull();
        assertThat(next("0 0 31 4 *", T0)).isNull();
        assertThat(next("0 0 29 2 *", T0)).isEqualTo(utc(2028, 2, 29, 0, 0));
    }

    @Test
    void timesAreLocalToTheZone() {
        ZoneId paris = ZoneId.of("Europe/Paris");
        ZonedDateTime fired = next("0 9 * * *", T0.withZoneSameInstant(paris));
        assertThat(fired).isEqualTo(ZonedDateTime.of(2025, 3, 15, 9, 0, 0, 0, paris));
        assertThat(fired.toInstant()).isEqualTo(utc(2025, 3, 15, 8, 0).toInstant());
        // a TZ= prefix wins over the zone of the time asked about
        CronSchedule tokyo = CronSchedule.parse("TZ=Asia/Tokyo 0 9 * * *");
        assertThat(tokyo.zone()).contains(ZoneId.of("Asia/Tokyo"));
        assertThat(tokyo.next(T0).toInstant()).isEqualTo(utc(2025, 3, 15, 0, 0).toInstant());
    }

    @Test
    void daylightSavingChangesSkipAndRepeatLocalTimes() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 2025-03-30: 02:00 jumps to 03:00, so 02:30 does not exist that day
        ZonedDateTime before = ZonedDateTime.of(2025, 3, 30, 0, 0, 0, 0, berlin);
        assertThat(next("30 2 * * *", before)).isEqualTo(ZonedDateTime.of(2025, 3, 31, 2, 30, 0, 0, berlin));
        // 2025-10-26: 03:00 goes back to 02:00, so 02:30 happens twice, an hour apart
        ZonedDateTime first = next("30 2 * * *", ZonedDateTime.of(2025, 10, 26, 0, 0, 0, 0, berlin));
        ZonedDateTime second = next("30 2 * * *", first);
        assertThat(second.toInstant()).isEqualTo(first.toInstant().plusSeconds(3600));
    }

    @Test
    void parseErrorsAreTheParsersMessages() {
        assertThatThrownBy(() -> CronSchedule.parse("0 3 * *")).hasMessage("expected exactly 5 fields, found 4: [0 3 * *]");
        assertThatThrownBy(() -> CronSchedule.parse("*/0 * * * *")).hasMessage("step of range should be a positive number: */0");
        assertThat(CronSchedule.problem("@every 5m")).isNull();
        assertThat(CronSchedule.problem("TZ=Nowhere/Land * * * * *")).isEqualTo("provided bad location Nowhere/Land: unknown time zone Nowhere/Land");
    }
}
