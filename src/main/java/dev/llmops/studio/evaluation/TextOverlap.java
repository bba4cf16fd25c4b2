package dev.llmops.studio.evaluation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How much of a reference text an output reproduces (docs/metrics.md): token F1 (bag of words, as SQuAD scores
 * answers) and ROUGE-L F1 (longest common subsequence, so word order counts). Texts are compared as lower-case
 * tokens of letters and digits; punctuation separates tokens and is otherwise ignored.
 */
public final class TextOverlap {

    private TextOverlap() {
    }

    public static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        for (String token : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    /** Harmonic mean of the shares of output and reference tokens they have in common (with multiplicity). */
    public static double tokenF1(String output, String reference) {
        List<String> predicted = tokens(output);
        List<String> expected = tokens(reference);
        if (predicted.isEmpty() || expected.isEmpty()) {
            return predicted.isEmpty() && expected.isEmpty() ? 1 : 0;
        }
        Map<String, Integer> remaining = new HashMap<>();
        expected.forEach(token -> remaining.merge(token, 1, Integer::sum));
        int common = 0;
        for (String token : predicted) {
            Integer left = remaining.get(token);
            if (left != null && left > 0) {
                remaining.put(token, left - 1);
                common++;
            }
        }
        return f1(common / (double) predicted.size(), common / (double) expected.size());
    }

    /** ROUGE-L F1: the longest common subsequence over the output's length (precision) and the reference's (recall). */
    public static double rougeL(String output, String reference) {
        List<String> predicted = tokens(output);
        List<String> expected = tokens(reference);
        if (predicted.isEmpty() || expected.isEmpty()) {
            return predicted.isEmpty() && expected.isEmpty() ? 1 : 0;
        }
        int lcs = longestCommonSubsequence(predicted, expected);
        return f1(lcs / (double) predicted.size(), lcs / (double) expected.size());
    }

    static int longestCommonSubsequence(List<String> a, List<String> b) {
        int[] previous = new int[b.size() + 1];
        int[] current = new int[b.size() + 1];
        for (String token : a) {
            for (int j = 1; j <= b.size(); j++) {
                current[j] = token.equals(b.get(j - 1)) ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.size()];
    }

    private static double f1(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
}
