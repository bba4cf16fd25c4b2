package dev.llmops.studio.model;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The text of one generation as its bytes arrive, released only once it is settled: bytes that may still grow
 * into a stop string stay back, and so do the first bytes of a character whose rest has not come yet. What is
 * released, concatenated, is exactly the UTF-8 decoding of the whole output up to the stop string (invalid bytes
 * become U+FFFD as in {@link ByteTokenizer#decode}), since one stateful decoder sees every released byte in order.
 *
 * <p>Stop strings are matched on bytes, which for UTF-8 is matching on text. Each stop string keeps the length of
 * the longest tail of the output that begins it (Knuth-Morris-Pratt, so a byte costs amortised constant time
 * however long the stop strings are); the bytes held back are the longest such tail.
 */
final class StreamedText {

    private final byte[][] stops;
    private final int[][] fallbacks;
    private final int[] matched;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private byte[] held = new byte[16];
    private int heldLength;
    /** Released bytes the decoder has not turned into characters yet: the start of an incomplete character. */
    private ByteBuffer undecoded = ByteBuffer.allocate(16);
    private final StringBuilder released = new StringBuilder();

    StreamedText(List<String> stopStrings) {
        int count = stopStrings.size();
        stops = new byte[count][];
        fallbacks = new int[count][];
        matched = new int[count];
        for (int s = 0; s < count; s++) {
            stops[s] = stopStrings.get(s).getBytes(StandardCharsets.UTF_8);
            fallbacks[s] = fallbacks(stops[s]);
        }
    }

    /**
     * For each prefix length {@code k} of {@code stop}, the longest proper prefix that is also a suffix of its
     * first {@code k} bytes: where the match continues when the next byte does not fit.
     */
    private static int[] fallbacks(byte[] stop) {
        int[] fallback = new int[stop.length + 1];
        int k = 0;
        for (int i = 1; i < stop.length; i++) {
            while (k > 0 && stop[i] != stop[k]) {
                k = fallback[k];
            }
            if (stop[i] == stop[k]) {
                k++;
            }
            fallback[i + 1] = k;
        }
        return fallback;
    }

    /**
     * Appends one byte of output; true when it completes a stop string, which is then removed: the generation
     * ends there, and {@link #finish} releases what came before it.
     */
    boolean add(byte value) {
        if (heldLength == held.length) {
            held = Arrays.copyOf(held, held.length * 2);
        }
        held[heldLength++] = value;
        int keep = 0;
        int completed = 0;
        for (int s = 0; s < stops.length; s++) {
            byte[] stop = stops[s];
            int k = matched[s];
            while (k > 0 && stop[k] != value) {
                k = fallbacks[s][k];
            }
            if (stop[k] == value) {
                k++;
            }
            matched[s] = k;
            if (k == stop.length) {
                completed = Math.max(completed, k);
            } else {
                keep = Math.max(keep, k);
            }
        }
        if (completed > 0) {
            // of stop strings ending here ("b" and "ab"), the longest goes, so no part of one is left
            heldLength -= completed;
            return true;
        }
        int free = heldLength - keep;
        if (free > 0) {
            decode(held, free, false);
            System.arraycopy(held, free, held, 0, keep);
            heldLength = keep;
        }
        return false;
    }

    /** The text released since the last call; empty when nothing is settled yet. */
    String take() {
        String text = released.toString();
        released.setLength(0);
        return text;
    }

    /**
     * Releases everything still held (the generation has ended: no stop string can complete any more, and an
     * unfinished character becomes U+FFFD); then {@link #take} returns the rest of the text.
     */
    void finish() {
        decode(held, heldLength, true);
        heldLength = 0;
    }

    private void decode(byte[] bytes, int length, boolean end) {
        if (undecoded.remaining() < length) {
            undecoded = ByteBuffer.allocate(undecoded.position() + length).put(undecoded.flip());
        }
        undecoded.put(bytes, 0, length).flip();
        // UTF-8 never gives more characters than bytes
        CharBuffer chars = CharBuffer.allocate(undecoded.remaining());
        utf8.decode(undecoded, chars, end);
        if (end) {
            utf8.flush(chars);
        }
        undecoded.compact();
        released.append(chars.flip());
    }
}
