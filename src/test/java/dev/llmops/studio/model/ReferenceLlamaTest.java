package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceLlamaTest {

    private static final LlamaConfig CONFIG = RandomCheckpoint.SMALL;
    private static final Map<String, float[]> WEIGHTS = RandomCheckpoint.randomWeights(CONFIG, 42);
    private static final int[] TOKENS = {1, 17, 256, 3, 99, 42, 42, 7, 299, 0};

    @TempDir
    Path dir;

    @Test
    void logitsHaveOneRowOfVocabularySizePerTokenAndAreFarFromUniform() {
        double[][] logits = new ReferenceLlama(CONFIG, WEIGHTS).logits(TOKENS);

        assertThat(logits.length).isEqualTo(TOKENS.length);
        for (double[] row : logits) {
            assertThat(row).hasSize(CONFIG.vocabSize());
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double logit : row) {
                assertThat(logit).isFinite();
                min = Math.min(min, logit);
                max = Math.max(max, logit);
            }
            // a yardstick whose logits barely move would let a broken engine pass a tolerance check
            assertThat(max - min).isGreaterThan(1.0);
        }
    }

    @Test
    void laterTokensDoNotChangeEarlierLogits() {
        ReferenceLlama model = new ReferenceLlama(CONFIG, WEIGHTS);
        int[] changedTail = TOKENS.clone();
        for (int t = 5; t < changedTail.length; t++) {
            changedTail[t] = (changedTail[t] + 100) % CONFIG.vocabSize();
        }

        double[][] original = model.logits(TOKENS);
        double[][] changed = model.logits(changedTail);

        for (int t = 0; t < 5; t++) {
            assertThat(changed[t]).as("position %d", t).containsExactly(original[t]);
        }
        assertThat(changed[5]).isNotEqualTo(original[5]);
        // and a prefix on its own gives the same logits as inside the longer sequence
        double[][] prefix = model.logits(Arrays.copyOf(TOKENS, 5));
        for (int t = 0; t < 5; t++) {
            assertThat(prefix[t]).containsExactly(original[t]);
        }
    }

    @Test
    void groupedQueryAttentionEqualsFullAttentionWithRepeatedKeyValueHeads() {
        LlamaConfig full = CONFIG.withNumKeyValueHeads(CONFIG.numAttentionHeads());
        int repeat = CONFIG.queryHeadsPerKeyValueHead();
        int headBlock = CONFIG.headDim() * CONFIG.hiddenSize();
        Map<String, float[]> repeated = new LinkedHashMap<>(WEIGHTS);
        for (int layer = 0; layer < CONFIG.numHiddenLayers(); layer++) {
            for (String projection : new String[] {"k_proj", "v_proj"}) {
                String name = "model.layers." + layer + ".self_attn." + projection + ".weight";
                float[] grouped = WEIGHTS.get(name);
                float[] expanded = new float[full.numKeyValueHeads() * headBlock];
                for (int head = 0; head < full.numKeyValueHeads(); head++) {
                    System.arraycopy(grouped, (head / repeat) * headBlock, expanded, head * headBlock, headBlock);
                }
                repeated.put(name, expanded);
            }
        }

        double[][] grouped = new ReferenceLlama(CONFIG, WEIGHTS).logits(TOKENS);
        double[][] expanded = new ReferenceLlama(full, repeated).logits(TOKENS);

        for (int t = 0; t < TOKENS.length; t++) {
            assertThat(expanded[t]).containsExactly(grouped[t], within(1e-12));
        }
    }

    @Test
    void tiedEmbeddingsProjectOntoTheEmbeddingMatrix() {
        Map<String, float[]> untied = new LinkedHashMap<>(WEIGHTS);
        untied.put("lm_head.weight", WEIGHTS.get("model.embed_tokens.weight").clone());
        Map<String, float[]> tiedWeights = new LinkedHashMap<>(WEIGHTS);
        tiedWeights.remove("lm_head.weight");

        double[][] tied = new ReferenceLlama(CONFIG.withTieWordEmbeddings(true), tiedWeights).logits(TOKENS);
        double[][] copied = new ReferenceLlama(CONFIG, untied).logits(TOKENS);

        for (int t = 0; t < TOKENS.length; t++) {
            assertThat(tied[t]).containsExactly(copied[t]);
        }
        assertThatThrownBy(() -> new ReferenceLlama(CONFIG, tiedWeights))
                .hasMessage("weight lm_head.weight is missing");
    }

    @Test
    void ropeRotatesEachDimensionWithItsPartnerHalfAHeadAway() {
        // headDim 4, theta 100: frequencies 1 and 100^(-1/2) = 0.1; at position 2 the angles are 2 and 0.2.
        // Dimension 0 pairs with 2, and 1 with 3; cos 2 = -0.4161468365, sin 2 = 0.9092974268,
        // cos 0.2 = 0.9800665778, sin 0.2 = 0.1986693308.
        double[] vector = {9, 1, 2, 3, 4};

        ReferenceLlama.applyRope(vector, 1, 4, 2, 100);

        assertThat(vector).containsExactly(new double[] {
                9,
                1 * -0.4161468365 - 3 * 0.9092974268,
                2 * 0.9800665778 - 4 * 0.1986693308,
                3 * -0.4161468365 + 1 * 0.9092974268,
                4 * 0.9800665778 + 2 * 0.1986693308}, within(1e-9));
        assertThat(vector[1]).isCloseTo(-3.1440391169, within(1e-9));

        double[] atStart = {1, 2, 3, 4};
        ReferenceLlama.applyRope(atStart, 0, 4, 0, 10000);
        assertThat(atStart).containsExactly(1, 2, 3, 4);
    }

    @Test
    void rmsNormAndSiluFollowTheirFormulas() {
        // mean of squares of (3, 4) is 12.5
        double[] normed = ReferenceLlama.rmsNorm(new double[] {3, 4}, new float[] {1, 2}, 0);
        assertThat(normed).containsExactly(new double[] {3 / Math.sqrt(12.5), 8 / Math.sqrt(12.5)}, within(1e-15));
        assertThat(ReferenceLlama.rmsNorm(new double[] {0, 0}, new float[] {1, 1}, 1e-6)).containsExactly(0, 0);

        assertThat(ReferenceLlama.silu(0)).isZero();
        assertThat(ReferenceLlama.silu(1)).isCloseTo(0.7310585786, within(1e-9));
        assertThat(ReferenceLlama.silu(-1000)).isEqualTo(-0.0);
    }

    @Test
    void halfPrecisionCheckpointsGiveNearlyTheSameLogitsAsFloat32() throws IOException {
        double[][] reference = logitsOfCheckpoint(SafeTensors.DType.F32, false);
        assertThat(reference).isDeepEqualTo(new ReferenceLlama(CONFIG, WEIGHTS).logits(TOKENS));

        double scale = 0;
        for (double[] row : reference) {
            for (double logit : row) {
                scale = Math.max(scale, Math.abs(logit));
            }
        }
        // rounding every weight to 11 (F16) or 8 (BF16) significant bits moves the logits by about that much
        assertThat(maxDifference(logitsOfCheckpoint(SafeTensors.DType.F16, true), reference))
                .isLessThan(scale * 2e-3);
        assertThat(maxDifference(logitsOfCheckpoint(SafeTensors.DType.BF16, false), reference))
                .isLessThan(scale * 2e-2);
    }

    @Test
    void tokensOutsideTheVocabularyAreRefused() {
        assertThatThrownBy(() -> new ReferenceLlama(CONFIG, WEIGHTS).logits(new int[] {1, 300}))
                .hasMessage("token 300 at position 1 is outside the vocabulary of 300");
    }

    private double[][] logitsOfCheckpoint(SafeTensors.DType dtype, boolean sharded) throws IOException {
        Path folder = Files.createDirectory(dir.resolve(dtype.name()));
        RandomCheckpoint.write(folder, CONFIG, WEIGHTS, dtype, sharded);
        try (CheckpointReader checkpoint = CheckpointReader.open(folder)) {
            return new ReferenceLlama(checkpoint.config(), checkpoint.readWeights()).logits(TOKENS);
        }
    }

    private static double maxDifference(double[][] a, double[][] b) {
        double max = 0;
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                max = Math.max(max, Math.abs(a[t][i] - b[t][i]));
            }
        }
        return max;
    }
}
