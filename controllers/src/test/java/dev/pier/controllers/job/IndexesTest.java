package dev.pier.controllers.job;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class IndexesTest {
    @Test
    void readsAndWritesIntervalsAsKubernetesDoes() {
        Indexes ix = Indexes.parse("1,3-5,7", 10);
        assertThat(ix.toString()).isEqualTo("1,3-5,7");
        assertThat(ix.total()).isEqualTo(5);
        assertThat(ix.has(4)).isTrue();
        assertThat(ix.has(6)).isFalse();
        assertThat(Indexes.parse("", 10).total()).isZero();
        assertThat(Indexes.parse(null, 10)).isSameAs(Indexes.NONE);
    }

    @Test
    void keepsOnlyIndexesBelowCompletionsAndSkipsGarbage() {
        assertThat(Indexes.parse("0-9", 5).toString()).isEqualTo("0-4");
        assertThat(Indexes.parse("1,x,3-y,4", 10).toString()).isEqualTo("1,4");
        assertThat(Indexes.parse("2,8", 5).toString()).isEqualTo("2");
    }

    @Test
    void addingMergesAdjacentAndOverlappingIntervals() {
        Indexes ix = Indexes.parse("1,3-5", 10).with(List.of(2, 6, 9, 4));
        assertThat(ix.toString()).isEqualTo("1-6,9");
        assertThat(ix.total()).isEqualTo(7);
        assertThat(Indexes.NONE.with(List.of(0, 1)).toString()).isEqualTo("0-1");
    }

    @Test
    void missingIndexesComeLowestFirstSkippingBusyOnes() {
        Indexes done = Indexes.parse("0,2", 6);
        assertThat(done.firstMissing(2, 6, Set.of(1))).containsExactly(3, 4);
        assertThat(done.firstMissing(10, 6, Set.of())).containsExactly(1, 3, 4, 5);
        assertThat(Indexes.parse("0-5", 6).firstMissing(1, 6, Set.of())).isEmpty();
    }
}
