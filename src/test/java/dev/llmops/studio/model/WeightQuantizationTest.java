package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightQuantizationTest {

    /** Rounding of the float division and multiplication may add a few ulps to the half step. */
    private static final double SLACK = 1e-6;

    @Test
    void int8ReproducesEveryWeightWithinHalfItsRowsScale() {
        // rows of very different magnitudes, an outlier, an all-zero row, an odd width
        int rows = 24;
        int columns = 77;
        float[] weights = randomMatrix(rows, columns, 1);
        WeightQuantization int8 = WeightQuantization.int8();

        WeightQuantization.Quantized quantized = int8.quantize(weights, rows, columns);
        float[] restored = int8.dequantize(quantized, rows, columns);

        assertThat(quantized.values()).hasSize(rows * columns);
        assertThat(quantized.scales()).hasSize(rows);
        assertThat(quantized.zeroPoints()).isNull();
        for (int row = 0; row < rows; row++) {
            float scale = quantized.scales()[row];
            for (int column = 0; column < columns; column++) {
                int i = row * columns + column;
                assertThat((double) Math.abs(weights[i] - restored[i])).as("row %d column %d", row, column)
                        .isLessThanOrEqualTo(scale / 2 * (1 + SLACK));
            }
            float extreme = 0;
            for (int column = 0; column < columns; column++) {
                extreme = Math.max(extreme, Math.abs(weights[row * columns + column]));
            }
            assertThat(scale).as("a row's scale spans its largest weight in 127 or 128 steps")
                    .isBetween(extreme / 128, extreme / 127 * (1 + 1e-6f));
        }
        assertThat(slice(restored, 5 * columns, columns)).as("the zero row stays exactly zero").containsOnly(0f);
    }

    @Test
    void int4ReproducesEveryWeightWithinHalfItsGroupsScaleForEveryGroupSizeAndBothVariants() {
        int rows = 9;
        for (int columns : new int[] {128, 172, 77}) {
            float[] weights = randomMatrix(rows, columns, columns);
            for (int groupSize : new int[] {32, 64, 128}) {
                for (boolean symmetric : new boolean[] {true, false}) {
                    WeightQuantization int4 = WeightQuantization.int4(groupSize, symmetric);
                    WeightQuantization.Quantized quantized = int4.quantize(weights, rows, columns);
                    float[] restored = int4.dequantize(quantized, rows, columns);
                    int groups = (columns + groupSize - 1) / groupSize;

                    assertThat(quantized.values()).hasSize(rows * ((columns + 1) / 2));
                    assertThat(quantized.scales()).hasSize(rows * groups);
                    if (symmetric) {
                        assertThat(quantized.zeroPoints()).isNull();
                    } else {
                        assertThat(quantized.zeroPoints()).hasSize(rows * groups);
                    }
                    for (int row = 0; row < rows; row++) {
                        for (int column = 0; column < columns; column++) {
                            int i = row * columns + column;
                            float scale = quantized.scales()[row * groups + column / groupSize];
                            assertThat((double) Math.abs(weights[i] - restored[i]))
                                    .as("%s, %d columns, row %d column %d", int4, columns, row, column)
                                    .isLessThanOrEqualTo(scale / 2 * (1 + SLACK));
                        }
                    }
                }
            }
        }
    }

    @Test
    void asymmetricInt4SpansEachGroupsOwnRangeAndKeepsZeroExact() {
        // a group of positive weights: symmetric wastes the negative half of its levels, asymmetric does not
        float[] weights = new float[64];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i % 7 == 0 ? 0f : 0.5f + i / 64f;
        }
        WeightQuantization asymmetric = WeightQuantization.int4(64, false);
        WeightQuantization symmetric = WeightQuantization.int4(64, true);

        WeightQuantization.Quantized a = asymmetric.quantize(weights, 1, 64);
        WeightQuantization.Quantized s = symmetric.quantize(weights, 1, 64);

        float max = weights[62];
        assertThat(a.scales()[0]).as("range [0, max] in 15 steps").isCloseTo(max / 15, within(1e-7f));
        assertThat(s.scales()[0]).as("range [0, max] in 7 steps").isCloseTo(max / 7, within(1e-7f));
        assertThat(a.zeroPoints()[0]).isZero();
        float[] restored = asymmetric.dequantize(a, 1, 64);
        for (int i = 0; i < 64; i += 7) {
            assertThat(restored[i]).as("zero weights stay exact").isZero();
        }
        assertThat(meanSquaredError(weights, restored))
                .isLessThan(meanSquaredError(weights, symmetric.dequantize(s, 1, 64)) / 3);
    }

    @Test
    void symmetricInt4UsesMinusEightWhenTheNegativeExtremeIsLarger() {
        float[] weights = {-8f, -3f, 0f, 2f, 7f, 6.9f};
        WeightQuantization int4 = WeightQuantization.int4(32, true);

        WeightQuantization.Quantized quantized = int4.quantize(weights, 1, 6);

        assertThat(quantized.scales()[0]).isEqualTo(1f);
        assertThat(int4.dequantize(quantized, 1, 6)).containsExactly(-8f, -3f, 0f, 2f, 7f, 7f);
        // stored with an offset of 8: -8 → 0, -3 → 5, 0 → 8, 2 → 10, 7 → 15, 7 → 15
        assertThat(WeightQuantization.unpackNibbles(quantized.values(), 1, 6)).containsExactly(0, 5, 8, 10, 15, 15);
    }

    @Test
    void int4PacksTwoValuesPerByteLowNibbleFirst() {
        byte[] packed = WeightQuantization.packNibbles(new int[] {1, 2, 3, 15, 0, 9, 4, 5, 6, 7}, 2, 5);

        assertThat(packed).containsExactly((byte) 0x21, (byte) 0xf3, (byte) 0x00, (byte) 0x49, (byte) 0x65,
                (byte) 0x07);
        assertThat(WeightQuantization.unpackNibbles(packed, 2, 5)).containsExactly(1, 2, 3, 15, 0, 9, 4, 5, 6, 7);
    }

    @Test
    void randomNibblesSurvivePackingForEvenAndOddWidths() {
        Random random = new Random(7);
        for (int columns : new int[] {1, 2, 31, 64, 65}) {
            int rows = 3;
            int[] values = random.ints(rows * columns, 0, 16).toArray();
            byte[] packed = WeightQuantization.packNibbles(values, rows, columns);
            assertThat(packed).hasSize(rows * ((columns + 1) / 2));
            assertThat(WeightQuantization.unpackNibbles(packed, rows, columns)).containsExactly(values);
        }
        assertThatThrownBy(() -> WeightQuantization.packNibbles(new int[] {16}, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWeightThatIsNotFiniteIsRefused() {
        assertThatThrownBy(() -> WeightQuantization.int8().quantize(new float[] {1f, Float.NaN}, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-finite");
    }

    @Test
    void theConfigRoundTripsAndOtherToolsQuantizationIsRefused() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (WeightQuantization scheme : List.of(WeightQuantization.int8(), WeightQuantization.int4(64, false),
                WeightQuantization.int4(32, true))) {
            assertThat(WeightQuantization.fromConfig(json.readTree(json.writeValueAsString(scheme.toConfig()))))
                    .isEqualTo(scheme);
        }
        assertThat(json.writeValueAsString(WeightQuantization.int8().toConfig())).isEqualTo(
                "{\"quant_method\":\"llmops-weight-only\",\"bits\":8,\"group_size\":-1,\"symmetric\":true}");
        assertThat(WeightQuantization.fromConfig(null)).isNull();
        assertThatThrownBy(() -> WeightQuantization.fromConfig(json.readTree(
                "{\"quant_method\": \"gptq\", \"bits\": 4, \"group_size\": 128}")))
                .hasMessageContaining("quant_method 'gptq'");
        assertThatThrownBy(() -> WeightQuantization.fromConfig(json.readTree(
                "{\"quant_method\": \"llmops-weight-only\", \"bits\": 3, \"group_size\": 64}")))
                .hasMessageContaining("bits must be 8 or 4");
    }

    /** Gaussian rows whose standard deviations span three orders of magnitude, one outlier, row 5 all zero. */
    private static float[] randomMatrix(int rows, int columns, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * columns];
        for (int row = 0; row < rows; row++) {
            double deviation = Math.pow(10, -3 + 3.0 * row / rows);
            for (int column = 0; column < columns; column++) {
                values[row * columns + column] = row == 5 ? 0f : (float) (deviation * random.nextGaussian());
            }
        }
        values[2 * columns + 3] = 40f * (float) Math.pow(10, -3 + 6.0 / rows);
        return values;
    }

    private static float[] slice(float[] values, int from, int length) {
        return java.util.Arrays.copyOfRange(values, from, from + length);
    }

    private static double meanSquaredError(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return sum / a.length;
    }
}
