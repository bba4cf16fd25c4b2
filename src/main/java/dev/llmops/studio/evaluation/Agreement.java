package dev.llmops.studio.evaluation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How much reviewers agree beyond chance (docs/metrics.md): Cohen's kappa for two reviewers' labels of the same
 * items, Krippendorff's alpha for any number of reviewers with missing ratings, nominal (labels, tags) or interval
 * (1–5 ratings) distances.
 */
public final class Agreement {

    /** How different two values are: nominal (same or not) or interval (squared difference of numbers). */
    public enum Distance { NOMINAL, INTERVAL }

    private Agreement() {
    }

    /**
     * Cohen's kappa of two reviewers' labels, item by item: (observed − expected agreement) / (1 − expected). When
     * chance alone predicts full agreement (both gave one and the same label throughout), it is 1.
     */
    public static double cohensKappa(List<String> first, List<String> second) {
        if (first.size() != second.size() || first.isEmpty()) {
            throw new IllegalArgumentException("need the two reviewers' labels of the same, non-empty list of items");
        }
        int n = first.size();
        Map<String, Integer> firstCounts = new HashMap<>();
        Map<String, Integer> secondCounts = new HashMap<>();
        int same = 0;
        for (int i = 0; i < n; i++) {
            String a = Objects.requireNonNull(first.get(i));
            String b = Objects.requireNonNull(second.get(i));
            firstCounts.merge(a, 1, Integer::sum);
            secondCounts.merge(b, 1, Integer::sum);
            same += a.equals(b) ? 1 : 0;
        }
        double observed = same / (double) n;
        double expected = 0;
        for (Map.Entry<String, Integer> entry : firstCounts.entrySet()) {
            expected += entry.getValue() / (double) n * secondCounts.getOrDefault(entry.getKey(), 0) / n;
        }
        return expected == 1 ? 1 : (observed - expected) / (1 - expected);
    }

    /**
     * Krippendorff's alpha, 1 − observed / expected disagreement, over units (items) each holding the values its
     * reviewers gave ({@code null} = not rated). Units with fewer than two values are not pairable and are left
     * out. NaN when fewer than two values are pairable or all of them are equal (no variation to agree on).
     */
    public static double krippendorffsAlpha(List<List<Double>> units, Distance distance) {
        List<List<Double>> pairable = new ArrayList<>();
        for (List<Double> unit : units) {
            List<Double> values = unit.stream().filter(Objects::nonNull).toList();
            if (values.size() >= 2) {
                pairable.add(values);
            }
        }
        List<Double> all = pairable.stream().flatMap(List::stream).toList();
        int n = all.size();
        if (n < 2) {
            return Double.NaN;
        }
        double observed = 0;
        for (List<Double> unit : pairable) {
            double sum = 0;
            for (int i = 0; i < unit.size(); i++) {
                for (int j = 0; j < unit.size(); j++) {
                    if (i != j) {
                        sum += delta(unit.get(i), unit.get(j), distance);
                    }
                }
            }
            observed += sum / (unit.size() - 1);
        }
        observed /= n;
        // the sum of distances over all ordered pairs of values, in closed form (a queue may hold 100,000 items)
        double pairs;
        if (distance == Distance.NOMINAL) {
            Map<Double, Integer> counts = new HashMap<>();
            all.forEach(value -> counts.merge(value, 1, Integer::sum));
            pairs = (double) n * n;
            for (int count : counts.values()) {
                pairs -= (double) count * count;
            }
        } else {
            double sum = 0;
            double squares = 0;
            for (double value : all) {
                sum += value;
                squares += value * value;
            }
            pairs = 2 * n * squares - 2 * sum * sum;
        }
        double expected = pairs / ((double) n * (n - 1));
        return expected == 0 ? Double.NaN : 1 - observed / expected;
    }

    private static double delta(double a, double b, Distance distance) {
        return distance == Distance.NOMINAL ? (a == b ? 0 : 1) : (a - b) * (a - b);
    }
}
