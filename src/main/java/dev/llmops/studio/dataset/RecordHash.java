package dev.llmops.studio.dataset;

import java.util.Map;
import java.util.TreeMap;

/**
 * A 64-bit FNV-1a hash of an example's content (messages or text, label, attributes; not its id or split):
 * equal content, equal hash. Used to find exact duplicates, to diff versions, and (mixed with the seed) to place
 * each example in a split independently of the file's row order. 64 bits keep collisions negligible
 * (≈ 3 in a million for ten million examples) at 8 bytes per example.
 */
final class RecordHash {

    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private RecordHash() {
    }

    static long of(DatasetRecord record) {
        long h = OFFSET;
        for (ChatMessage message : record.messages()) {
            h = mix(h, message.role());
            h = mix(h, message.content());
        }
        h = mix(h, record.text());
        h = mix(h, record.label());
        for (Map.Entry<String, String> attribute : new TreeMap<>(record.attributes()).entrySet()) {
            h = mix(h, attribute.getKey());
            h = mix(h, attribute.getValue());
        }
        return h;
    }

    /** A split key: uniform over the non-negative longs, different for every seed. */
    static long splitKey(long contentHash, long seed) {
        long z = contentHash ^ (seed * 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return (z ^ (z >>> 31)) >>> 1;
    }

    private static long mix(long h, String value) {
        if (value == null) {
            return (h ^ 0xff) * PRIME;
        }
        for (int i = 0; i < value.length(); i++) {
            h = (h ^ value.charAt(i)) * PRIME;
        }
        return (h ^ 0xfe) * PRIME; // a field separator, so ("ab","c") and ("a","bc") differ
    }
}
