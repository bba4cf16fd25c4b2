package dev.llmops.studio.dataset;

import java.util.Arrays;

/**
 * An open-addressing set of longs: 8 bytes per element where a {@code HashSet<Long>} needs about 50, which decides
 * whether duplicate removal over millions of examples fits a small heap.
 */
final class LongHashSet {

    private static final long EMPTY = 0;
    private long[] slots = new long[1 << 10];
    private int size;
    private boolean hasZero;

    /** @return true when the value was not yet in the set */
    boolean add(long value) {
        if (value == EMPTY) {
            boolean added = !hasZero;
            hasZero = true;
            return added;
        }
        if (size * 2 >= slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        int i = (int) (value ^ (value >>> 32)) * 0x9E3779B9 & mask;
        while (slots[i] != EMPTY) {
            if (slots[i] == value) {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = value;
        size++;
        return true;
    }

    boolean contains(long value) {
        if (value == EMPTY) {
            return hasZero;
        }
        int mask = slots.length - 1;
        int i = (int) (value ^ (value >>> 32)) * 0x9E3779B9 & mask;
        while (slots[i] != EMPTY) {
            if (slots[i] == value) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        for (long value : old) {
            if (value != EMPTY) {
                add(value);
            }
        }
    }

    /** Growable primitive list, for the per-example split keys. */
    static final class LongList {
        private long[] values = new long[1024];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = value;
        }

        long get(int index) {
            return values[index];
        }

        int size() {
            return size;
        }

    }
}
