package dev.llmops.studio.run;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Labels that say what a worker offers beyond counted resources ({@code gpu-a100}, {@code eu-only}). A step
 * that requires labels is leased only by a worker that has all of them. Written comma-separated, compared
 * case-insensitively.
 */
public final class WorkerLabels {

    private WorkerLabels() {
    }

    public static Set<String> parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(l -> !l.isEmpty())
                .map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
    }

    public static String format(Collection<String> labels) {
        return labels.isEmpty() ? null : String.join(",", new TreeSet<>(labels));
    }
}
