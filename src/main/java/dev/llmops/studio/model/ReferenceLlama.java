package dev.llmops.studio.model;

import java.util.Map;

/**
 * The Llama forward pass in plain Java, written to be obviously right rather than fast: the yardstick that the
 * engine's logits are checked against. It follows transformers' {@code LlamaForCausalLM} step by step, with
 * activations and every sum in double, so that its own rounding is negligible next to a float32 engine's.
 * Weights are in Hugging Face naming and layout: a projection's weight is [out, in], row-major.
 */
final class ReferenceLlama {

    private final LlamaConfig config;
    private final Map<String, float[]> weights;

    ReferenceLlama(LlamaConfig config, Map<String, float[]> weights) {
        this.config = config;
        this.weights = weights;
        config.tensorShapes().forEach((name, shape) -> {
            float[] values = weights.get(name);
            if (values == null) {
                throw new IllegalArgumentException("weight " + name + " is missing");
            }
            if (values.length != SafeTensors.elementCount(shape)) {
                throw new IllegalArgumentException("weight " + name + " has " + values.length
                        + " values; its shape needs " + SafeTensors.elementCount(shape));
            }
        });
    }

    /** Logits [T, vocab] for tokens at positions 0..T-1. */
    double[][] logits(int[] tokens) {
        int hidden = config.hiddenSize();
        float[] embeddings = weight("model.embed_tokens.weight");
        double[][] x = new double[tokens.length][];
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] < 0 || tokens[t] >= config.vocabSize()) {
                throw new IllegalArgumentException("token " + tokens[t] + " at position " + t
                        + " is outside the vocabulary of " + config.vocabSize());
            }
            x[t] = new double[hidden];
            for (int i = 0; i < hidden; i++) {
                x[t][i] = embeddings[tokens[t] * hidden + i];
            }
        }
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            String prefix = "model.layers." + layer + ".";
            double[][] attention = attention(prefix, rmsNorm(x, weight(prefix + "input_layernorm.weight")));
            addInPlace(x, attention);
            double[][] mlp = mlp(prefix, rmsNorm(x, weight(prefix + "post_attention_layernorm.weight")));
            addInPlace(x, mlp);
        }
        double[][] normed = rmsNorm(x, weight("model.norm.weight"));
        float[] head = config.tieWordEmbeddings() ? embeddings : weight("lm_head.weight");
        return project(normed, head, config.vocabSize());
    }

    private double[][] attention(String prefix, double[][] x) {
        int headDim = config.headDim();
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        double[][] q = project(x, weight(prefix + "self_attn.q_proj.weight"), heads * headDim);
        double[][] k = project(x, weight(prefix + "self_attn.k_proj.weight"), kvHeads * headDim);
        double[][] v = project(x, weight(prefix + "self_attn.v_proj.weight"), kvHeads * headDim);
        for (int t = 0; t < x.length; t++) {
            for (int h = 0; h < heads; h++) {
                applyRope(q[t], h * headDim, headDim, t, config.ropeTheta());
            }
            for (int h = 0; h < kvHeads; h++) {
                applyRope(k[t], h * headDim, headDim, t, config.ropeTheta());
            }
        }
        double scale = 1.0 / Math.sqrt(headDim);
        double[][] context = new double[x.length][heads * headDim];
        for (int h = 0; h < heads; h++) {
            // grouped-query attention: consecutive query heads share one key/value head, as repeat_kv arranges
            int kvOffset = (h / config.queryHeadsPerKeyValueHead()) * headDim;
            int qOffset = h * headDim;
            for (int t = 0; t < x.length; t++) {
                // causal: position t attends to positions 0..t only
                double[] scores = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s <= t; s++) {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) {
                        dot += q[t][qOffset + d] * k[s][kvOffset + d];
                    }
                    scores[s] = dot * scale;
                    max = Math.max(max, scores[s]);
                }
                double sum = 0;
                for (int s = 0; s <= t; s++) {
                    scores[s] = Math.exp(scores[s] - max);
                    sum += scores[s];
                }
                for (int s = 0; s <= t; s++) {
                    double p = scores[s] / sum;
                    for (int d = 0; d < headDim; d++) {
                        context[t][qOffset + d] += p * v[s][kvOffset + d];
                    }
                }
            }
        }
        return project(context, weight(prefix + "self_attn.o_proj.weight"), config.hiddenSize());
    }

    private double[][] mlp(String prefix, double[][] x) {
        int intermediate = config.intermediateSize();
        double[][] gate = project(x, weight(prefix + "mlp.gate_proj.weight"), intermediate);
        double[][] up = project(x, weight(prefix + "mlp.up_proj.weight"), intermediate);
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < intermediate; i++) {
                gate[t][i] = silu(gate[t][i]) * up[t][i];
            }
        }
        return project(gate, weight(prefix + "mlp.down_proj.weight"), config.hiddenSize());
    }

    private double[][] rmsNorm(double[][] x, float[] gain) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            out[t] = rmsNorm(x[t], gain, config.rmsNormEps());
        }
        return out;
    }

    /** x * rsqrt(mean(x²) + eps) * gain. */
    static double[] rmsNorm(double[] x, float[] gain, double eps) {
        double sumOfSquares = 0;
        for (double value : x) {
            sumOfSquares += value * value;
        }
        double inverseRms = 1.0 / Math.sqrt(sumOfSquares / x.length + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * inverseRms * gain[i];
        }
        return out;
    }

    /**
     * Rotates the head at {@code offset} in place, in transformers' "rotate_half" convention: dimension i pairs
     * with i + headDim/2 (not with its neighbour, as in the original Llama code), turned by the angle
     * position * theta^(-2i/headDim).
     */
    static void applyRope(double[] vector, int offset, int headDim, int position, double theta) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double angle = position * Math.pow(theta, -2.0 * i / headDim);
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            double first = vector[offset + i];
            double second = vector[offset + half + i];
            vector[offset + i] = first * cos - second * sin;
            vector[offset + half + i] = second * cos + first * sin;
        }
    }

    static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    /** x [T, in] times the transpose of weight [out, in]: a linear layer without bias. */
    private static double[][] project(double[][] x, float[] weight, int outFeatures) {
        double[][] out = new double[x.length][outFeatures];
        for (int t = 0; t < x.length; t++) {
            int in = x[t].length;
            for (int o = 0; o < outFeatures; o++) {
                double sum = 0;
                int row = o * in;
                for (int i = 0; i < in; i++) {
                    sum += weight[row + i] * x[t][i];
                }
                out[t][o] = sum;
            }
        }
        return out;
    }

    private static void addInPlace(double[][] residual, double[][] update) {
        for (int t = 0; t < residual.length; t++) {
            for (int i = 0; i < residual[t].length; i++) {
                residual[t][i] += update[t][i];
            }
        }
    }

    private float[] weight(String name) {
        return weights.get(name);
    }
}
