package dev.pier.storage.sqlite;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrefixIndexTest {

    private final PrefixIndex<String> index = new PrefixIndex<>();

    @Test
    void visitsExactlyTheEntriesWhosePrefixBeginsTheKey() {
        index.add("/registry/a/", "cell a");
        index.add("/registry/a/core/pods/", "pods of a");
        index.add("/registry/a/core/pods/", "pods of a, again");
        index.add("/registry/ab/", "cell ab");
        index.add("/registry/b/core/pods/", "pods of b");
        index.add("/registry/a", "a without slash");
        index.add("", "everything");
        index.add("/registry/a/core/pods/default/web/longer", "longer than the key");

        assertThat(visited("/registry/a/core/pods/default/web")).containsExactlyInAnyOrder(
                "cell a", "pods of a", "pods of a, again", "a without slash", "everything");
        assertThat(visited("/registry/ab/core/pods/x")).containsExactlyInAnyOrder("cell ab", "a without slash", "everything");
        assertThat(visited("/other")).containsExactly("everything");
        assertThat(visited("/registry/a/")).containsExactlyInAnyOrder("cell a", "a without slash", "everything");
    }

    @Test
    void amongManyEntriesOnOtherPrefixesOnlyTheMatchingOnesAreVisited() {
        for (int cell = 0; cell < 20_000; cell++) {
            index.add("/registry/cell-" + cell + "/core/configmaps/", "configmaps of " + cell);
            index.add("/registry/cell-" + cell + "/core/pods/", "pods of " + cell);
        }

        // cell-7 is also a prefix of cell-70..., cell-700...: only whole matches count
        assertThat(visited("/registry/cell-7/core/pods/default/web")).containsExactly("pods of 7");
        assertThat(visited("/registry/cell-19999/core/configmaps/kube-system/x")).containsExactly("configmaps of 19999");
        assertThat(visited("/registry/cell-20000/core/pods/default/web")).isEmpty();
        assertThat(index.size()).isEqualTo(40_000);
    }

    @Test
    void removedEntriesAreNoLongerVisited() {
        index.add("/registry/a/", "first");
        index.add("/registry/a/", "second");
        index.add("/registry/b/", "other");

        index.remove("/registry/a/", "first");
        assertThat(visited("/registry/a/x")).containsExactly("second");

        index.remove("/registry/a/", "second");
        index.remove("/registry/a/", "second");
        index.remove("/registry/never/", "first");
        assertThat(visited("/registry/a/x")).isEmpty();
        assertThat(visited("/registry/b/x")).containsExactly("other");
        assertThat(index.size()).isEqualTo(1);

        index.add("/registry/a/", "back");
        assertThat(visited("/registry/a/x")).containsExactly("back");
    }

    private List<String> visited(String key) {
        List<String> out = new ArrayList<>();
        index.forEachPrefixOf(key, out::add);
        return out;
    }
}
