package dev.llmops.studio.dataset;

import java.util.Objects;

/** Where one piece of personal data sits in a text: {@code text.substring(start, end)}. */
public record PiiMatch(PiiType type, int start, int end) {

    public PiiMatch {
        Objects.requireNonNull(type, "type");
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("not a span: [" + start + ", " + end + ")");
        }
    }

    public int length() {
        return end - start;
    }

    boolean overlaps(PiiMatch other) {
        return start < other.end && other.start < end;
    }
}
