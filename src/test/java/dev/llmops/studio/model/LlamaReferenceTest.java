package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The block against a plain-Java transcription of Hugging Face's modeling_llama (loops, no tensors), on the same
 * weights by HF name: catches a wrong rotary pairing, a wrong query-to-kv-head mapping or a layout slip in the
 * reshapes, which the self-consistency tests (cache against full forward) cannot see.
 */
class LlamaReferenceTest {

    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void untiedModelMatchesTheReference() {
        assertMatchesReference(LlamaBlockTest.MICRO);
    }

    @Test
    void tiedModelWithMultiQueryAttentionMatchesTheReference() {
        assertMatchesReference(new LlamaShape(ByteTokenizer.VOCAB_SIZE, 48, 96, 2, 6, 1, 500f, 1e-6f, true, 32));
    }

    private void assertMatchesReference(LlamaShape shape) {
        LlamaBlock block = LlamaBlock.create(shape, manager);
        // weights far from the 0.02 initialisation, so that a slip changes the logits well beyond rounding
        Random random = new Random(17);
        Map<String, float[]> weights = new LinkedHashMap<>();
        block.parametersByHfName().forEach((name, array) -> {
            float[] values = new float[Math.toIntExact(array.size())];
            boolean norm = name.endsWith("norm.weight");
            for (int i = 0; i < values.length; i++) {
                values[i] = norm ? 0.5f + random.nextFloat() : (random.nextFloat() - 0.5f) * 0.5f;
            }
            weights.put(name, values);
        });
        block.load(weights);
        int[] ids = {ByteTokenizer.BOS, 72, 101, 108, 108, 111, 33, ByteTokenizer.EOS};

        float[] actual = block.forward(new ParameterStore(manager, false),
                new NDList(manager.create(new int[][] {ids})), false).singletonOrThrow().toFloatArray();
        float[][] expected = new Reference(shape, weights).logits(ids);

        double worst = 0;
        double largest = 0;
        for (int t = 0; t < ids.length; t++) {
            for (int v = 0; v < shape.vocab(); v++) {
                worst = Math.max(worst, Math.abs(actual[t * shape.vocab() + v] - expected[t][v]));
                largest = Math.max(largest, Math.abs(expected[t][v]));
            }
        }
        assertThat(largest).as("logits are not trivially small").isGreaterThan(1.0);
        assertThat(worst).as("largest difference from the reference").isLessThan(1e-4 * largest);
    }

    /** HF LlamaForCausalLM.forward, eager attention, one sequence, in doubles. */
    private static final class Reference {
        private final LlamaShape shape;
        private final Map<String, float[]> w;

        Reference(LlamaShape shape, Map<String, float[]> weights) {
            this.shape = shape;
            this.w = weights;
        }

        float[][] logits(int[] ids) {
            int hidden = shape.hidden();
            double[][] x = new double[ids.length][hidden];
            float[] embeddings = w.get("model.embed_tokens.weight");
            for (int t = 0; t < ids.length; t++) {
                for (int j = 0; j < hidden; j++) {
                    x[t][j] = embeddings[ids[t] * hidden + j];
                }
            }
            for (int layer = 0; layer < shape.layers(); layer++) {
                String p = "model.layers." + layer + ".";
                double[][] h = rmsNorm(x, w.get(p + "input_layernorm.weight"));
                double[][] attention = attention(linear(h, w.get(p + "self_attn.q_proj.weight")),
                        linear(h, w.get(p + "self_attn.k_proj.weight")),
                        linear(h, w.get(p + "self_attn.v_proj.weight")));
                add(x, linear(attention, w.get(p + "self_attn.o_proj.weight")));
                double[][] m = rmsNorm(x, w.get(p + "post_attention_layernorm.weight"));
                double[][] gate = linear(m, w.get(p + "mlp.gate_proj.weight"));
                double[][] up = linear(m, w.get(p + "mlp.up_proj.weight"));
                for (int t = 0; t < gate.length; t++) {
                    for (int j = 0; j < gate[t].length; j++) {
                        gate[t][j] = gate[t][j] / (1 + Math.exp(-gate[t][j])) * up[t][j];
                    }
                }
                add(x, linear(gate, w.get(p + "mlp.down_proj.weight")));
            }
            double[][] logits = linear(rmsNorm(x, w.get("model.norm.weight")),
                    w.get(shape.tiedEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight"));
            float[][] result = new float[logits.length][];
            for (int t = 0; t < logits.length; t++) {
                result[t] = new float[logits[t].length];
                for (int v = 0; v < logits[t].length; v++) {
                    result[t][v] = (float) logits[t][v];
                }
            }
            return result;
        }

        private double[][] attention(double[][] q, double[][] k, double[][] v) {
            int d = shape.headDim();
            int length = q.length;
            rotate(q, shape.heads());
            rotate(k, shape.kvHeads());
            double[][] out = new double[length][shape.heads() * d];
            for (int head = 0; head < shape.heads(); head++) {
                int kvHead = head / (shape.heads() / shape.kvHeads());
                for (int t = 0; t < length; t++) {
                    double[] scores = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int s = 0; s <= t; s++) {
                        for (int i = 0; i < d; i++) {
                            scores[s] += q[t][head * d + i] * k[s][kvHead * d + i];
                        }
                        scores[s] /= Math.sqrt(d);
                        max = Math.max(max, scores[s]);
                    }
                    double total = 0;
                    for (int s = 0; s <= t; s++) {
                        scores[s] = Math.exp(scores[s] - max);
                        total += scores[s];
                    }
                    for (int s = 0; s <= t; s++) {
                        for (int i = 0; i < d; i++) {
                            out[t][head * d + i] += scores[s] / total * v[s][kvHead * d + i];
                        }
                    }
                }
            }
            return out;
        }

        /** rotate_half: element i pairs with i + d/2, angle position · theta^(-2i/d). */
        private void rotate(double[][] x, int heads) {
            int d = shape.headDim();
            int half = d / 2;
            for (int t = 0; t < x.length; t++) {
                for (int head = 0; head < heads; head++) {
                    for (int i = 0; i < half; i++) {
                        double angle = t * Math.pow(shape.ropeTheta(), -2.0 * i / d);
                        double a = x[t][head * d + i];
                        double b = x[t][head * d + i + half];
                        x[t][head * d + i] = a * Math.cos(angle) - b * Math.sin(angle);
                        x[t][head * d + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
                    }
                }
            }
        }

        private double[][] rmsNorm(double[][] x, float[] weight) {
            double[][] out = new double[x.length][x[0].length];
            for (int t = 0; t < x.length; t++) {
                double squares = 0;
                for (double value : x[t]) {
                    squares += value * value;
                }
                double scale = 1 / Math.sqrt(squares / x[t].length + shape.rmsEps());
                for (int j = 0; j < x[t].length; j++) {
                    out[t][j] = x[t][j] * scale * weight[j];
                }
            }
            return out;
        }

        /** x W^T with W stored [out, in] row-major, as in HF. */
        private static double[][] linear(double[][] x, float[] weight) {
            int in = x[0].length;
            int out = weight.length / in;
            double[][] y = new double[x.length][out];
            for (int t = 0; t < x.length; t++) {
                for (int o = 0; o < out; o++) {
                    double sum = 0;
                    for (int i = 0; i < in; i++) {
                        sum += x[t][i] * weight[o * in + i];
                    }
                    y[t][o] = sum;
                }
            }
            return y;
        }

        private static void add(double[][] x, double[][] delta) {
            for (int t = 0; t < x.length; t++) {
                for (int j = 0; j < x[t].length; j++) {
                    x[t][j] += delta[t][j];
                }
            }
        }
    }
}
