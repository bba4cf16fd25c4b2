package dev.llmops.studio.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed fixtures; the arithmetic is in docs/metrics.md. */
class ClassificationMetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void threeLabelsOneNeverPredicted() {
        ClassificationMetrics m = ClassificationMetrics.of(
                List.of("cat", "cat", "dog", "dog", "dog", "bird"),
                List.of("cat", "dog", "dog", "dog", "cat", "cat"));

        assertThat(m.labels()).containsExactly("bird", "cat", "dog");
        assertThat(m.confusionRows()).containsExactly(List.of(0L, 1L, 0L), List.of(0L, 1L, 1L), List.of(0L, 1L, 2L));
        assertThat(m.perLabel().get("cat").precision()).isCloseTo(1.0 / 3, within(EPS));
        assertThat(m.perLabel().get("cat").recall()).isCloseTo(0.5, within(EPS));
        assertThat(m.perLabel().get("cat").f1()).isCloseTo(0.4, within(EPS));
        assertThat(m.perLabel().get("dog").f1()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(m.perLabel().get("bird")).as("never predicted: no precision, counted as 0")
                .isEqualTo(new ClassificationMetrics.LabelScores(0, 0, 0, 1, 0));
        assertThat(m.macroPrecision()).isCloseTo(1.0 / 3, within(EPS));
        assertThat(m.macroRecall()).isCloseTo(7.0 / 18, within(EPS));
        assertThat(m.macroF1()).isCloseTo((0.4 + 2.0 / 3) / 3, within(EPS));
        assertThat(m.microPrecision()).isCloseTo(0.5, within(EPS));
        assertThat(m.microRecall()).isCloseTo(0.5, within(EPS));
        assertThat(m.microF1()).as("single-label: micro F1 is accuracy").isCloseTo(m.accuracy(), within(EPS))
                .isCloseTo(0.5, within(EPS));
    }

    @Test
    void aSingleClassAnsweredRightScoresOne() {
        ClassificationMetrics m = ClassificationMetrics.of(List.of("yes", "yes", "yes"), List.of("yes", "yes", "yes"));

        assertThat(m.labels()).containsExactly("yes");
        assertThat(m.accuracy()).isEqualTo(1);
        assertThat(m.macroF1()).isEqualTo(1);
        assertThat(m.microF1()).isEqualTo(1);
    }

    @Test
    void allWrongScoresZeroEverywhere() {
        ClassificationMetrics m = ClassificationMetrics.of(List.of("a", "a"), List.of("b", "b"));

        assertThat(m.perLabel().get("a")).isEqualTo(new ClassificationMetrics.LabelScores(0, 0, 0, 2, 0));
        assertThat(m.perLabel().get("b")).as("never expected: no recall, counted as 0")
                .isEqualTo(new ClassificationMetrics.LabelScores(0, 0, 0, 0, 2));
        assertThat(m.accuracy()).isZero();
        assertThat(m.macroF1()).isZero();
        assertThat(m.microF1()).isZero();
    }

    @Test
    void predictionsMustPairWithExpectations() {
        assertThatThrownBy(() -> ClassificationMetrics.of(List.of("a"), List.of()))
                .hasMessageContaining("one prediction per expected label");
    }
}
