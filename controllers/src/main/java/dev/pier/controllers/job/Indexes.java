package dev.pier.controllers.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A set of completion indexes of an Indexed Job, kept as sorted, disjoint, non-adjacent intervals and
 * written as Kubernetes writes {@code status.completedIndexes}: {@code "1,3-5,7"}. Immutable.
 */
final class Indexes {
    static final Indexes NONE = new Indexes(List.of());

    /** An interval of indexes, both ends included. */
    private record Interval(int first, int last) {
        int size() {
            return last - first + 1;
        }
    }

    private final List<Interval> intervals;

    private Indexes(List<Interval> intervals) {
        this.intervals = List.copyOf(intervals);
    }

    /**
     * Reads {@code completedIndexes}, keeping only indexes below {@code completions}; malformed parts are
     * skipped rather than failing the whole job (the field is the controller's own, but may be hand-edited).
     */
    static Indexes parse(String text, int completions) {
        if (text == null || text.isEmpty()) return NONE;
        List<Interval> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] ends = part.split("-", 2);
            int first;
            int last;
            try {
                first = Integer.parseInt(ends[0].strip());
                last = ends.length == 2 ? Integer.parseInt(ends[1].strip()) : first;
            } catch (NumberFormatException e) {
                continue;
            }
            if (first < 0 || last < first) continue;
            if (first >= completions) break; // the rest is larger still
            last = Math.min(last, completions - 1);
            add(out, first, last);
        }
        return new Indexes(out);
    }

    /** These indexes and {@code more}. */
    Indexes with(Collection<Integer> more) {
        if (more.isEmpty()) return this;
        List<Interval> all = new ArrayList<>(intervals);
        for (int x : more) if (x >= 0) all.add(new Interval(x, x));
        all.sort(Comparator.comparingInt(Interval::first));
        List<Interval> out = new ArrayList<>();
        for (Interval i : all) add(out, i.first, i.last);
        return new Indexes(out);
    }

    private static void add(List<Interval> out, int first, int last) {
        if (!out.isEmpty()) {
            Interval prev = out.getLast();
            if (first <= prev.last + 1) {
                out.set(out.size() - 1, new Interval(prev.first, Math.max(prev.last, last)));
                return;
            }
        }
        out.add(new Interval(first, last));
    }

    boolean has(int index) {
        for (Interval i : intervals) {
            if (index < i.first) return false;
            if (index <= i.last) return true;
        }
        return false;
    }

    int total() {
        int n = 0;
        for (Interval i : intervals) n += i.size();
        return n;
    }

    /** The lowest {@code count} indexes below {@code completions} that are neither here nor in {@code busy}. */
    List<Integer> firstMissing(int count, int completions, Set<Integer> busy) {
        List<Integer> out = new ArrayList<>();
        for (int x = 0; x < completions && out.size() < count; x++) {
            if (!has(x) && !busy.contains(x)) out.add(x);
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Interval i : intervals) {
            if (!b.isEmpty()) b.append(',');
            b.append(i.first);
            if (i.last > i.first) b.append('-').append(i.last);
        }
        return b.toString();
    }
}
