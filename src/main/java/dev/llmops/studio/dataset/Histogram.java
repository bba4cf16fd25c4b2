package dev.llmops.studio.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts of lengths in doubling buckets (0–15, 16–31, 32–63, …, ≥ 65536), which suit text lengths spanning
 * orders of magnitude; {@code max} and {@code mean} come with it.
 */
public record Histogram(List<Long> counts, long max, double mean) {

    static final int BUCKETS = 13;

    public static String bucketLabel(int bucket) {
        long low = bucket == 0 ? 0 : 16L << (bucket - 1);
        return bucket == BUCKETS - 1 ? "≥ " + low : low + "–" + ((16L << bucket) - 1);
    }

    /** Accumulates lengths; not thread-safe. */
    static final class Builder {
        private final long[] counts = new long[BUCKETS];
        private long max;
        private long total;
        private long n;

        void add(long length) {
            int bucket = length < 16 ? 0 : Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(length) - 4);
            counts[bucket]++;
            max = Math.max(max, length);
            total += length;
            n++;
        }

        Histogram build() {
            List<Long> list = new ArrayList<>(BUCKETS);
            for (long count : counts) {
                list.add(count);
            }
            return new Histogram(list, max, n == 0 ? 0 : (double) total / n);
        }
    }
}
