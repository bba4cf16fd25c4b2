package dev.llmops.studio.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmops.studio.evaluation.Agreement.Distance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgreementTest {

    @Test
    void cohensKappaOfTheTextbookYesNoTable() {
        // 50 items: both yes 20, both no 15, first yes / second no 5, first no / second yes 10
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        add(first, second, "yes", "yes", 20);
        add(first, second, "no", "no", 15);
        add(first, second, "yes", "no", 5);
        add(first, second, "no", "yes", 10);
        // observed 0.7, expected 0.5·0.6 + 0.5·0.4 = 0.5
        assertThat(Agreement.cohensKappa(first, second)).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void cohensKappaEdgeCases() {
        assertThat(Agreement.cohensKappa(List.of("a", "b", "a"), List.of("a", "b", "a"))).isEqualTo(1);
        assertThat(Agreement.cohensKappa(List.of("a", "a"), List.of("a", "a"))).as("one label throughout")
                .isEqualTo(1);
        // always opposite: observed 0, expected 0.5
        assertThat(Agreement.cohensKappa(List.of("a", "b"), List.of("b", "a"))).isCloseTo(-1, within(1e-12));
    }

    @Test
    void krippendorffsAlphaOfKrippendorffsOwnExample() {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units, missing values;
        // published alpha: nominal 0.743, interval 0.849
        Double[][] byObserver = {
                {1d, 2d, 3d, 3d, 2d, 1d, 4d, 1d, 2d, null, null, null},
                {1d, 2d, 3d, 3d, 2d, 2d, 4d, 1d, 2d, 5d, null, 3d},
                {null, 3d, 3d, 3d, 2d, 3d, 4d, 2d, 2d, 5d, 1d, null},
                {1d, 2d, 3d, 3d, 2d, 4d, 4d, 1d, 2d, 5d, 1d, null}};
        List<List<Double>> units = new ArrayList<>();
        for (int unit = 0; unit < 12; unit++) {
            List<Double> values = new ArrayList<>();
            for (Double[] observer : byObserver) {
                values.add(observer[unit]);
            }
            units.add(values);
        }
        assertThat(Agreement.krippendorffsAlpha(units, Distance.NOMINAL)).isCloseTo(0.743, within(5e-4));
        assertThat(Agreement.krippendorffsAlpha(units, Distance.INTERVAL)).isCloseTo(0.849, within(5e-4));
    }

    @Test
    void krippendorffsAlphaEdgeCases() {
        assertThat(Agreement.krippendorffsAlpha(List.of(List.of(3d, 3d), List.of(4d, 4d)), Distance.INTERVAL))
                .isEqualTo(1);
        assertThat(Agreement.krippendorffsAlpha(List.of(List.of(3d, 3d), List.of(3d, 3d)), Distance.INTERVAL))
                .as("no variation: undefined").isNaN();
        assertThat(Agreement.krippendorffsAlpha(List.of(Arrays.asList(3d, null)), Distance.NOMINAL))
                .as("nothing pairable").isNaN();
    }

    private static void add(List<String> first, List<String> second, String a, String b, int times) {
        first.addAll(Collections.nCopies(times, a));
        second.addAll(Collections.nCopies(times, b));
    }
}
