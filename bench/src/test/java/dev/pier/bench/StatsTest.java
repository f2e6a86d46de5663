package dev.pier.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatsTest {

    @Test
    void nearestRankPercentilesOfOneToHundred() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) samples[i] = 100 - i; // unsorted on purpose
        Stats s = Stats.of(samples);
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.percentile(50)).isEqualTo(50);
        assertThat(s.percentile(99)).isEqualTo(99);
        assertThat(s.percentile(99.5)).isEqualTo(100);
        assertThat(s.percentile(100)).isEqualTo(100);
        assertThat(s.percentile(0)).isEqualTo(1);
        assertThat(s.percentile(1)).isEqualTo(1);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(100);
        assertThat(s.mean()).isEqualTo(50.5);
    }

    @Test
    void smallSetsPickAnActualSample() {
        Stats s = Stats.of(new long[] {30, 10, 20});
        assertThat(s.percentile(50)).isEqualTo(20); // rank ceil(1.5) = 2
        assertThat(s.percentile(99)).isEqualTo(30);
        assertThat(Stats.of(new long[] {7}).percentile(50)).isEqualTo(7);
        assertThat(Stats.of(new long[] {1, 2}).percentile(50)).isEqualTo(1);
    }

    @Test
    void negativeSamplesAreKept() {
        // watch latency measured from the write's acknowledgement can be negative
        Stats s = Stats.of(new long[] {-5, 3, 1});
        assertThat(s.min()).isEqualTo(-5);
        assertThat(s.percentile(50)).isEqualTo(1);
    }

    @Test
    void prefixOfABufferAndEmptySets() {
        long[] buffer = {5, 1, 9, 0, 0};
        Stats s = Stats.of(buffer, 3);
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.max()).isEqualTo(9);
        assertThat(buffer).containsExactly(5, 1, 9, 0, 0); // input untouched

        Stats empty = Stats.of(new long[0]);
        assertThat(empty.count()).isZero();
        assertThat(empty.percentile(50)).isNaN();
        assertThat(empty.max()).isNaN();
        assertThat(empty.mean()).isNaN();
    }

    @Test
    void millisAndRates() {
        Stats s = Stats.of(new long[] {1_500_000, 2_500_000});
        assertThat(s.percentileMillis(100)).isEqualTo(2.5);
        assertThat(s.maxMillis()).isEqualTo(2.5);
        assertThat(Stats.perSecond(2000, 2_000_000_000L)).isEqualTo(1000.0);
        assertThat(Stats.perSecond(5, 0)).isZero();
    }

    @Test
    void rejectsBadArguments() {
        Stats s = Stats.of(new long[] {1});
        assertThatThrownBy(() -> s.percentile(101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.percentile(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.of(new long[2], 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
