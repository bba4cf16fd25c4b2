package dev.llmops.studio.feedback;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What is wrong with a response, besides its rating. Stored comma-separated by {@link #id()}. */
public enum ReviewTag {
    WRONG("wrong"), UNSAFE("unsafe"), BIASED("biased"), OFF_TOPIC("off-topic");

    private final String id;

    ReviewTag(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    static String format(Set<ReviewTag> tags) {
        return tags == null || tags.isEmpty() ? null
                : tags.stream().sorted().map(ReviewTag::id).collect(Collectors.joining(","));
    }

    static Set<ReviewTag> parse(String stored) {
        if (stored == null || stored.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(stored.split(",")).map(String::trim).map(ReviewTag::of)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static ReviewTag of(String id) {
        String wanted = id.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.id.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown review tag " + id));
    }
}
