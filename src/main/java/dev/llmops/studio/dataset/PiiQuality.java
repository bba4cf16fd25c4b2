package dev.llmops.studio.dataset;

import java.util.stream.Collectors;

/**
 * How well {@link PiiDetector} does on the labelled synthetic set, for the benchmark in {@code bench/} (the
 * generator and the scorer stay inside this package).
 */
public final class PiiQuality {

    private PiiQuality() {
    }

    /** Per type: support, true and false positives, false negatives, precision, recall; then examples of errors. */
    public static String report(long seed, int sentences) {
        PiiScorecard card = PiiScorecard.score(new PiiDetector(), PiiEvaluationSet.generate(seed, sentences));
        StringBuilder report = new StringBuilder(card.table());
        if (!card.examples().isEmpty()) {
            report.append("errors (up to 3 per type):\n");
            card.examples().forEach(example -> report.append("  ").append(example).append('\n'));
        }
        return report.toString();
    }

    /** The generated sentences, one per line, as input for throughput measurements. */
    public static String sampleText(long seed, int sentences) {
        return PiiEvaluationSet.generate(seed, sentences).stream()
                .map(PiiEvaluationSet.Sentence::text)
                .collect(Collectors.joining("\n"));
    }
}
