package dev.llmops.studio.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Single-label classification scores of predictions against expected labels (docs/metrics.md). Labels are the
 * sorted union of expected and predicted values; a ratio whose denominator is zero (a label never predicted has
 * no precision) counts as 0, as scikit-learn's {@code zero_division=0} does, so macro averages stay defined.
 */
public record ClassificationMetrics(List<String> labels, Map<String, LabelScores> perLabel, long[][] confusion,
                                    double accuracy, double macroPrecision, double macroRecall, double macroF1,
                                    double microPrecision, double microRecall, double microF1, int count) {

    /** One label's scores; {@code support} = how often it was expected. */
    public record LabelScores(double precision, double recall, double f1, int support, int predicted) {
    }

    public static ClassificationMetrics of(List<String> expected, List<String> predicted) {
        if (expected.size() != predicted.size()) {
            throw new IllegalArgumentException("need one prediction per expected label: " + expected.size()
                    + " expected, " + predicted.size() + " predicted");
        }
        TreeSet<String> labelSet = new TreeSet<>();
        expected.forEach(label -> labelSet.add(Objects.requireNonNull(label, "expected label")));
        predicted.forEach(label -> labelSet.add(Objects.requireNonNull(label, "predicted label")));
        List<String> labels = List.copyOf(labelSet);
        Map<String, Integer> index = new LinkedHashMap<>();
        labels.forEach(label -> index.put(label, index.size()));

        long[][] confusion = new long[labels.size()][labels.size()];
        int correct = 0;
        for (int i = 0; i < expected.size(); i++) {
            confusion[index.get(expected.get(i))][index.get(predicted.get(i))]++;
            correct += expected.get(i).equals(predicted.get(i)) ? 1 : 0;
        }
        Map<String, LabelScores> perLabel = new LinkedHashMap<>();
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        long truePositives = 0;
        long falsePositives = 0;
        long falseNegatives = 0;
        for (String label : labels) {
            int k = index.get(label);
            long tp = confusion[k][k];
            long support = 0;
            long predictedCount = 0;
            for (int j = 0; j < labels.size(); j++) {
                support += confusion[k][j];
                predictedCount += confusion[j][k];
            }
            double precision = ratio(tp, predictedCount);
            double recall = ratio(tp, support);
            double f1 = f1(precision, recall);
            perLabel.put(label, new LabelScores(precision, recall, f1, (int) support, (int) predictedCount));
            precisionSum += precision;
            recallSum += recall;
            f1Sum += f1;
            truePositives += tp;
            falsePositives += predictedCount - tp;
            falseNegatives += support - tp;
        }
        int n = labels.isEmpty() ? 1 : labels.size();
        double microPrecision = ratio(truePositives, truePositives + falsePositives);
        double microRecall = ratio(truePositives, truePositives + falseNegatives);
        return new ClassificationMetrics(labels, perLabel, confusion, ratio(correct, expected.size()),
                precisionSum / n, recallSum / n, f1Sum / n, microPrecision, microRecall,
                f1(microPrecision, microRecall), expected.size());
    }

    /** The confusion matrix as rows of (expected label, counts per predicted label in {@link #labels} order). */
    public List<List<Long>> confusionRows() {
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : confusion) {
            List<Long> counts = new ArrayList<>(row.length);
            for (long count : row) {
                counts.add(count);
            }
            rows.add(counts);
        }
        return rows;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : numerator / (double) denominator;
    }

    private static double f1(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
}
