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

    /**
     * A model small enough to follow by hand: hidden 2, one head of width 2 (so RoPE turns each head by an angle
     * equal to the position), intermediate 1, vocabulary 2, two tokens. No weight matrix is symmetric, so a
     * transposed projection, a swapped gate and up, a wrong attention scale or a missing residual shows up.
     */
    @Test
    void aHandSizedModelGivesTheLogitsWorkedOutStepByStep() {
        LlamaConfig config = new LlamaConfig(2, 1, 1, 1, 1, 2, 1e-5, 10000, 16, false, 2, null, null, null, null);
        Map<String, float[]> weights = Map.ofEntries(
                Map.entry("model.embed_tokens.weight", new float[] {1, 2, -1, 0.5f}),
                Map.entry("model.layers.0.input_layernorm.weight", new float[] {1, 0.5f}),
                Map.entry("model.layers.0.self_attn.q_proj.weight", new float[] {1, 0, 0.5f, -1}),
                Map.entry("model.layers.0.self_attn.k_proj.weight", new float[] {0.25f, 0.75f, -0.5f, 0.25f}),
                Map.entry("model.layers.0.self_attn.v_proj.weight", new float[] {1, 1, 2, -1}),
                Map.entry("model.layers.0.self_attn.o_proj.weight", new float[] {0.5f, 0, 1, 1}),
                Map.entry("model.layers.0.post_attention_layernorm.weight", new float[] {2, 1}),
                Map.entry("model.layers.0.mlp.gate_proj.weight", new float[] {1, -1}),
                Map.entry("model.layers.0.mlp.up_proj.weight", new float[] {0.5f, 0.5f}),
                Map.entry("model.layers.0.mlp.down_proj.weight", new float[] {1, -2}),
                Map.entry("model.norm.weight", new float[] {1, 1.5f}),
                Map.entry("lm_head.weight", new float[] {1, -1, 2, 0.5f}));
        double eps = 1e-5;

        // embeddings of tokens 0 and 1, and their input norms
        double[] x0 = {1, 2};
        double[] x1 = {-1, 0.5};
        double r0 = 1 / Math.sqrt((1 + 4) / 2.0 + eps);
        double r1 = 1 / Math.sqrt((1 + 0.25) / 2.0 + eps);
        double[] n0 = {x0[0] * r0 * 1, x0[1] * r0 * 0.5};
        double[] n1 = {x1[0] * r1 * 1, x1[1] * r1 * 0.5};
        // q = [[1, 0], [0.5, -1]] n, k = [[0.25, 0.75], [-0.5, 0.25]] n, v = [[1, 1], [2, -1]] n
        double[] q1 = {n1[0], 0.5 * n1[0] - n1[1]};
        double[] k0 = {0.25 * n0[0] + 0.75 * n0[1], -0.5 * n0[0] + 0.25 * n0[1]};
        double[] k1 = {0.25 * n1[0] + 0.75 * n1[1], -0.5 * n1[0] + 0.25 * n1[1]};
        double[] v0 = {n0[0] + n0[1], 2 * n0[0] - n0[1]};
        double[] v1 = {n1[0] + n1[1], 2 * n1[0] - n1[1]};
        // position 1 turns q and k by 1 radian: (a, b) -> (a cos 1 - b sin 1, b cos 1 + a sin 1); position 0 not
        double c = Math.cos(1);
        double s = Math.sin(1);
        double[] q1r = {q1[0] * c - q1[1] * s, q1[1] * c + q1[0] * s};
        double[] k1r = {k1[0] * c - k1[1] * s, k1[1] * c + k1[0] * s};
        // position 0 sees only itself; position 1 weighs both by softmax((q . k) / sqrt(2))
        double[] context0 = v0;
        double e0 = Math.exp((q1r[0] * k0[0] + q1r[1] * k0[1]) / Math.sqrt(2));
        double e1 = Math.exp((q1r[0] * k1r[0] + q1r[1] * k1r[1]) / Math.sqrt(2));
        double p0 = e0 / (e0 + e1);
        double p1 = e1 / (e0 + e1);
        double[] context1 = {p0 * v0[0] + p1 * v1[0], p0 * v0[1] + p1 * v1[1]};
        // o = [[0.5, 0], [1, 1]] context, added to the residual
        double[] h0 = {x0[0] + 0.5 * context0[0], x0[1] + context0[0] + context0[1]};
        double[] h1 = {x1[0] + 0.5 * context1[0], x1[1] + context1[0] + context1[1]};
        double[] expected0 = logitsAfterAttention(h0, eps);
        double[] expected1 = logitsAfterAttention(h1, eps);

        double[][] logits = new ReferenceLlama(config, weights).logits(new int[] {0, 1});

        assertThat(logits[0]).containsExactly(expected0, within(1e-12));
        assertThat(logits[1]).containsExactly(expected1, within(1e-12));
    }

    /** The rest of the hand-sized model for one position: post-attention norm, SwiGLU, final norm, lm_head. */
    private static double[] logitsAfterAttention(double[] h, double eps) {
        double r = 1 / Math.sqrt((h[0] * h[0] + h[1] * h[1]) / 2 + eps);
        double[] n = {h[0] * r * 2, h[1] * r * 1};
        double gate = n[0] - n[1];
        double up = 0.5 * n[0] + 0.5 * n[1];
        double hidden = gate / (1 + Math.exp(-gate)) * up;
        double[] out = {h[0] + hidden, h[1] - 2 * hidden};
        double rf = 1 / Math.sqrt((out[0] * out[0] + out[1] * out[1]) / 2 + eps);
        double[] f = {out[0] * rf * 1, out[1] * rf * 1.5};
        // lm_head = [[1, -1], [2, 0.5]]
        return new double[] {f[0] - f[1], 2 * f[0] + 0.5 * f[1]};
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
