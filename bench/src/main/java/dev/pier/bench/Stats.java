package dev.pier.bench;

import java.util.Arrays;

/**
 * Summary of a set of latency samples in nanoseconds: count, min, max, mean and nearest-rank
 * percentiles. Immutable; the samples are copied and sorted once.
 */
public final class Stats {
    private final long[] sorted;

    private Stats(long[] sorted) {
        this.sorted = sorted;
    }

    /** Stats over these samples (copied); an empty array gives count 0 and NaN everywhere else. */
    public static Stats of(long[] samples) {
        long[] copy = samples.clone();
        Arrays.sort(copy);
        return new Stats(copy);
    }

    /** Stats over the first {@code count} samples of {@code samples}. */
    public static Stats of(long[] samples, int count) {
        if (count < 0 || count > samples.length) {
            throw new IllegalArgumentException("count " + count + " outside 0.." + samples.length);
        }
        long[] copy = Arrays.copyOf(samples, count);
        Arrays.sort(copy);
        return new Stats(copy);
    }

    public int count() {
        return sorted.length;
    }

    /**
     * The nearest-rank percentile: the smallest sample such that at least {@code p}% of the samples
     * are less than or equal to it. {@code p} in (0, 100]; p=0 gives the minimum.
     */
    public double percentile(double p) {
        if (Double.isNaN(p) || p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be within 0..100: " + p);
        }
        if (sorted.length == 0) return Double.NaN;
        if (p == 0) return sorted[0];
        int rank = (int) Math.ceil(p / 100.0 * sorted.length); // 1-based
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    public double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    public double mean() {
        if (sorted.length == 0) return Double.NaN;
        double sum = 0;
        for (long v : sorted) sum += v;
        return sum / sorted.length;
    }

    /** A percentile converted from nanoseconds to milliseconds. */
    public double percentileMillis(double p) {
        return percentile(p) / 1e6;
    }

    public double maxMillis() {
        return max() / 1e6;
    }

    /** Operations per second for {@code ops} operations over {@code elapsedNanos}; 0 when nothing elapsed. */
    public static double perSecond(long ops, long elapsedNanos) {
        return elapsedNanos <= 0 ? 0 : ops * 1e9 / elapsedNanos;
    }
}
