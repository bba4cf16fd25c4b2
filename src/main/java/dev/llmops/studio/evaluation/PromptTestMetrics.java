package dev.llmops.studio.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregates of a test run (docs/metrics.md): pass rate over every case, and over the CLASSIFICATION cases
 * the {@link ClassificationMetrics} of their expected against predicted labels. An output that names none of the
 * labels is predicted as {@value #NO_LABEL}, so it counts as a wrong prediction (and that column shows in the
 * confusion matrix).
 *
 * @param classification null when the run has no classification cases
 */
public record PromptTestMetrics(int cases, int passed, ClassificationMetrics classification) {

    public static final String NO_LABEL = "(none)";

    public static PromptTestMetrics of(List<CaseResult> results) {
        List<String> expected = new ArrayList<>();
        List<String> predicted = new ArrayList<>();
        int passed = 0;
        for (CaseResult result : results) {
            passed += result.passed() ? 1 : 0;
            if (result.assertion() == AssertionType.CLASSIFICATION && result.expected() != null) {
                expected.add(result.expected().strip());
                predicted.add(result.predictedLabel() == null ? NO_LABEL : result.predictedLabel());
            }
        }
        return new PromptTestMetrics(results.size(), passed,
                expected.isEmpty() ? null : ClassificationMetrics.of(expected, predicted));
    }

    public double passRate() {
        return cases == 0 ? 0 : passed / (double) cases;
    }

    /**
     * The metrics by the names the report and the Quality gate use: {@code pass_rate}, {@code cases},
     * {@code passed}, and with classification cases {@code accuracy}, {@code precision}, {@code recall},
     * {@code f1} (macro averages) and {@code micro_precision}, {@code micro_recall}, {@code micro_f1}.
     */
    public Map<String, Double> named() {
        Map<String, Double> named = new LinkedHashMap<>();
        named.put("pass_rate", passRate());
        named.put("cases", (double) cases);
        named.put("passed", (double) passed);
        if (classification != null) {
            named.put("accuracy", classification.accuracy());
            named.put("precision", classification.macroPrecision());
            named.put("recall", classification.macroRecall());
            named.put("f1", classification.macroF1());
            named.put("micro_precision", classification.microPrecision());
            named.put("micro_recall", classification.microRecall());
            named.put("micro_f1", classification.microF1());
        }
        return named;
    }
}
