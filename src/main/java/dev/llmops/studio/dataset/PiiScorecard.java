package dev.llmops.studio.dataset;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Precision and recall of a {@link PiiDetector} per type on labelled sentences. A detection counts as a true
 * positive only when type, start and end all equal a ground-truth span: a span that is off by one character
 * redacts too much or leaves a piece of the value behind, so it counts as one false positive and one false
 * negative. Exact matching needs no overlap threshold to argue about and penalises boundary errors visibly.
 */
final class PiiScorecard {

    private static final int EXAMPLES_PER_TYPE = 3;
    private static final int TRUE_POSITIVES = 0;
    private static final int FALSE_POSITIVES = 1;
    private static final int FALSE_NEGATIVES = 2;

    private final Map<PiiType, int[]> counts = new EnumMap<>(PiiType.class);
    private final Map<PiiType, List<String>> examples = new EnumMap<>(PiiType.class);

    private PiiScorecard() {
        for (PiiType type : PiiType.values()) {
            counts.put(type, new int[3]);
            examples.put(type, new ArrayList<>());
        }
    }

    static PiiScorecard score(PiiDetector detector, List<PiiEvaluationSet.Sentence> sentences) {
        PiiScorecard card = new PiiScorecard();
        for (PiiEvaluationSet.Sentence sentence : sentences) {
            Set<PiiMatch> expected = new HashSet<>(sentence.truth());
            Set<PiiMatch> found = new HashSet<>(detector.find(sentence.text()));
            for (PiiMatch match : found) {
                if (expected.contains(match)) {
                    card.counts.get(match.type())[TRUE_POSITIVES]++;
                } else {
                    card.counts.get(match.type())[FALSE_POSITIVES]++;
                    card.example(match, "false positive", sentence.text());
                }
            }
            for (PiiMatch match : expected) {
                if (!found.contains(match)) {
                    card.counts.get(match.type())[FALSE_NEGATIVES]++;
                    card.example(match, "missed", sentence.text());
                }
            }
        }
        return card;
    }

    private void example(PiiMatch match, String kind, String text) {
        List<String> list = examples.get(match.type());
        if (list.size() < EXAMPLES_PER_TYPE) {
            list.add(kind + " " + match.type() + " \"" + text.substring(match.start(), match.end()) + "\" in: "
                    + text.replace('\n', ' '));
        }
    }

    int support(PiiType type) {
        return truePositives(type) + falseNegatives(type);
    }

    int truePositives(PiiType type) {
        return counts.get(type)[TRUE_POSITIVES];
    }

    int falsePositives(PiiType type) {
        return counts.get(type)[FALSE_POSITIVES];
    }

    int falseNegatives(PiiType type) {
        return counts.get(type)[FALSE_NEGATIVES];
    }

    /** NaN when nothing of the type was reported: no claim, so no precision to speak of. */
    double precision(PiiType type) {
        return ratio(truePositives(type), truePositives(type) + falsePositives(type));
    }

    /** NaN when the set holds nothing of the type. */
    double recall(PiiType type) {
        return ratio(truePositives(type), support(type));
    }

    private static double ratio(int numerator, int denominator) {
        return denominator == 0 ? Double.NaN : (double) numerator / denominator;
    }

    /** Up to three wrong or missed spans per type with their sentence, to see what a rule gets wrong. */
    List<String> examples() {
        return examples.values().stream().flatMap(List::stream).toList();
    }

    /** One row per type and a total over all types (micro-averaged). */
    String table() {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-13s %8s %8s %6s %6s %10s %8s%n",
                "type", "support", "TP", "FP", "FN", "precision", "recall"));
        int[] total = new int[3];
        for (PiiType type : PiiType.values()) {
            table.append(row(type.name(), counts.get(type)));
            for (int i = 0; i < total.length; i++) {
                total[i] += counts.get(type)[i];
            }
        }
        return table.append(row("all", total)).toString();
    }

    private static String row(String name, int[] count) {
        int tp = count[TRUE_POSITIVES];
        int fp = count[FALSE_POSITIVES];
        int fn = count[FALSE_NEGATIVES];
        return String.format(Locale.ROOT, "%-13s %8d %8d %6d %6d %10s %8s%n", name, tp + fn, tp, fp, fn,
                formatRatio(ratio(tp, tp + fp)), formatRatio(ratio(tp, tp + fn)));
    }

    private static String formatRatio(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}
