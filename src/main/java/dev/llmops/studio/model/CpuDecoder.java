package dev.llmops.studio.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Llama forward pass of {@link LlamaBlock} in plain Java, for generation. A decode step of a small model is
 * a few hundred tiny matrix-vector products; through DJL each costs a JNI call and a native allocation, which
 * outweighs the arithmetic, while here a step is a handful of tight loops over weights already on the heap.
 *
 * <p>Every product is written in one form: {@code target[j] += c[i] · rows[i][j]} summed over i, with the
 * weights stored by input ({@code [in][out]}, the transpose of Hugging Face's {@code [out, in]}). The innermost
 * loop then reads each array at the same index with no reduction, which HotSpot's C2 turns into SIMD code; a dot
 * product over an {@code [out, in]} row would be a float reduction, which C2 leaves scalar.
 *
 * <p>A forward takes rows of (sequence, token): a prompt is many rows of one sequence, a batched decode step one
 * row per sequence, and every weight block is used by all rows while it is in cache. The weights are copied at
 * construction, so later training does not show here. Immutable and safe to share; a {@link Sequence} is not.
 *
 * <p>One thread: splitting a decode step's products across two threads of a shared 2-core machine made it slower
 * (docs/benchmarks.md, "Model engine").
 */
final class CpuDecoder {

    /** Inputs per block of a product: their weights (≤ 256 KiB) stay in L2 while every row uses them. */
    private static final int BLOCK_BYTES = 256 * 1024;

    private final LlamaShape shape;
    private final int queryWidth;
    private final int keyValueWidth;
    private final float[][] embeddings;
    private final Layer[] layers;
    private final float[] finalNorm;
    private final float[][] headByInput;
    private final float[][] cosines;
    private final float[][] sines;
    private final float attentionScale;

    /** {@code weights} by Hugging Face name and layout, exactly the model's set (see {@link LlamaBlock#load}). */
    CpuDecoder(LlamaShape shape, Map<String, float[]> weights) {
        this.shape = shape;
        requireExactly(shape, weights);
        int hidden = shape.hidden();
        int headDim = shape.headDim();
        queryWidth = shape.heads() * headDim;
        keyValueWidth = shape.kvHeads() * headDim;
        float[] embedTokens = weights.get("model.embed_tokens.weight");
        embeddings = rows(embedTokens, shape.vocab(), hidden);
        layers = new Layer[shape.layers()];
        for (int i = 0; i < layers.length; i++) {
            String prefix = "model.layers." + i + ".";
            layers[i] = new Layer(
                    weights.get(prefix + "input_layernorm.weight").clone(),
                    byInput(hidden, weights.get(prefix + "self_attn.q_proj.weight"),
                            weights.get(prefix + "self_attn.k_proj.weight"),
                            weights.get(prefix + "self_attn.v_proj.weight")),
                    byInput(queryWidth, weights.get(prefix + "self_attn.o_proj.weight")),
                    weights.get(prefix + "post_attention_layernorm.weight").clone(),
                    byInput(hidden, weights.get(prefix + "mlp.gate_proj.weight"),
                            weights.get(prefix + "mlp.up_proj.weight")),
                    byInput(shape.intermediate(), weights.get(prefix + "mlp.down_proj.weight")));
        }
        finalNorm = weights.get("model.norm.weight").clone();
        headByInput = byInput(hidden, shape.tiedEmbeddings() ? embedTokens : weights.get("lm_head.weight"));

        // the same float32 arithmetic as LlamaBlock's rotary tables, so both rotate by the same angles
        int half = headDim / 2;
        cosines = new float[shape.maxPositions()][half];
        sines = new float[shape.maxPositions()][half];
        for (int i = 0; i < half; i++) {
            float inverseFrequency = (float) Math.pow(shape.ropeTheta(), -2.0 * i / headDim);
            for (int position = 0; position < shape.maxPositions(); position++) {
                float angle = position * inverseFrequency;
                cosines[position][i] = (float) Math.cos(angle);
                sines[position][i] = (float) Math.sin(angle);
            }
        }
        attentionScale = (float) (1.0 / Math.sqrt(headDim));
    }

    /** A decoder with the block's current weights, LoRA adapters folded in. */
    static CpuDecoder of(LlamaBlock block) {
        return new CpuDecoder(block.shape(), block.mergedWeights());
    }

    LlamaShape shape() {
        return shape;
    }

    /** An empty sequence with room for {@code capacity} positions (prompt and output together). */
    Sequence newSequence(int capacity) {
        if (capacity < 1 || capacity > shape.maxPositions()) {
            throw new IllegalArgumentException("capacity must be within 1.." + shape.maxPositions());
        }
        return new Sequence(this, capacity);
    }

    /** Appends {@code tokens} to the sequence and returns the logits that follow the last of them. */
    float[] append(Sequence sequence, int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens to append");
        }
        requireOwn(sequence);
        if (sequence.length + tokens.length > sequence.capacity) {
            throw new IllegalArgumentException("sequence of " + (sequence.length + tokens.length) + " exceeds "
                    + sequence.capacity + " positions");
        }
        Sequence[] owners = new Sequence[tokens.length];
        int[] positions = new int[tokens.length];
        for (int row = 0; row < tokens.length; row++) {
            owners[row] = sequence;
            positions[row] = sequence.length + row;
        }
        float[][] logits = forward(owners, positions, tokens, tokens.length - 1);
        sequence.length += tokens.length;
        return logits[0];
    }

    /**
     * One decode step for several sequences at once: appends {@code tokens[s]} to {@code sequences[s]} and
     * returns each one's next logits. The weights are read once for all of them.
     */
    float[][] appendEach(Sequence[] sequences, int[] tokens) {
        if (sequences.length != tokens.length || sequences.length == 0) {
            throw new IllegalArgumentException("need one token per sequence and at least one sequence");
        }
        Set<Sequence> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        int[] positions = new int[tokens.length];
        for (int row = 0; row < sequences.length; row++) {
            Sequence sequence = sequences[row];
            requireOwn(sequence);
            if (!distinct.add(sequence)) {
                throw new IllegalArgumentException("sequence " + row + " appears twice in one step");
            }
            if (sequence.length >= sequence.capacity) {
                throw new IllegalArgumentException("sequence " + row + " is full at " + sequence.capacity
                        + " positions");
            }
            positions[row] = sequence.length;
        }
        float[][] logits = forward(sequences, positions, tokens, 0);
        for (Sequence sequence : sequences) {
            sequence.length++;
        }
        return logits;
    }

    private void requireOwn(Sequence sequence) {
        if (sequence.decoder != this) {
            throw new IllegalArgumentException("the sequence belongs to another decoder");
        }
    }

    /**
     * Rows of (owner, position, token); a sequence's rows are consecutive positions in order, starting at its
     * length. Returns the logits of rows {@code logitsFrom} and later.
     */
    private float[][] forward(Sequence[] owners, int[] positions, int[] tokens, int logitsFrom) {
        int rows = tokens.length;
        int hidden = shape.hidden();
        float[][] x = new float[rows][];
        for (int row = 0; row < rows; row++) {
            if (tokens[row] < 0 || tokens[row] >= shape.vocab()) {
                throw new IllegalArgumentException("token " + tokens[row] + " is outside the vocabulary of "
                        + shape.vocab());
            }
            x[row] = embeddings[tokens[row]].clone();
        }
        float[][] normed = new float[rows][hidden];
        float[][] projected = new float[rows][queryWidth + 2 * keyValueWidth];
        float[][] attended = new float[rows][queryWidth];
        float[][] residual = new float[rows][hidden];
        float[][] gateUp = new float[rows][2 * shape.intermediate()];
        float[][] gated = new float[rows][shape.intermediate()];
        Attention attention = new Attention(positions);
        for (int index = 0; index < layers.length; index++) {
            Layer layer = layers[index];
            rmsNorm(x, layer.inputNorm, normed);
            multiply(normed, layer.qkvByInput, projected);
            for (int row = 0; row < rows; row++) {
                attention.store(owners[row], index, positions[row], projected[row]);
            }
            for (int row = 0; row < rows; row++) {
                attention.attend(owners[row], index, positions[row], projected[row], attended[row]);
            }
            multiply(attended, layer.outputByInput, residual);
            addInPlace(x, residual);

            rmsNorm(x, layer.postNorm, normed);
            multiply(normed, layer.gateUpByInput, gateUp);
            for (int row = 0; row < rows; row++) {
                swiGlu(gateUp[row], gated[row]);
            }
            multiply(gated, layer.downByInput, residual);
            addInPlace(x, residual);
        }
        float[][] last = new float[rows - logitsFrom][];
        for (int row = logitsFrom; row < rows; row++) {
            last[row - logitsFrom] = x[row];
        }
        float[][] lastNormed = new float[last.length][hidden];
        rmsNorm(last, finalNorm, lastNormed);
        float[][] logits = new float[last.length][shape.vocab()];
        multiply(lastNormed, headByInput, logits);
        return logits;
    }

    /** Attention of one row over its sequence's cache, with the scratch it reuses across rows and layers. */
    private final class Attention {
        private final float[] query;
        private final float[] scores;
        private final float[] context;

        Attention(int[] positions) {
            int longest = 0;
            for (int position : positions) {
                longest = Math.max(longest, position + 1);
            }
            query = new float[shape.headDim()];
            scores = new float[longest];
            context = new float[shape.headDim()];
        }

        /** Rotates this row's key and stores it with its value at {@code position}. */
        void store(Sequence sequence, int layer, int position, float[] projected) {
            int headDim = shape.headDim();
            int half = headDim / 2;
            float[] cos = cosines[position];
            float[] sin = sines[position];
            for (int head = 0; head < shape.kvHeads(); head++) {
                int offset = queryWidth + head * headDim;
                float[][] keys = sequence.keysByDimension[layer][head];
                for (int i = 0; i < half; i++) {
                    float first = projected[offset + i];
                    float second = projected[offset + half + i];
                    keys[i][position] = first * cos[i] - second * sin[i];
                    keys[half + i][position] = second * cos[i] + first * sin[i];
                }
                System.arraycopy(projected, queryWidth + keyValueWidth + head * headDim,
                        sequence.values[layer][head][position], 0, headDim);
            }
        }

        /** softmax(q·k / √d) · v per query head, over positions 0..position, into {@code out} [heads·headDim]. */
        void attend(Sequence sequence, int layer, int position, float[] projected, float[] out) {
            int headDim = shape.headDim();
            int half = headDim / 2;
            int seen = position + 1;
            float[] cos = cosines[position];
            float[] sin = sines[position];
            for (int head = 0; head < shape.heads(); head++) {
                int offset = head * headDim;
                for (int i = 0; i < half; i++) {
                    float first = projected[offset + i];
                    float second = projected[offset + half + i];
                    query[i] = (first * cos[i] - second * sin[i]) * attentionScale;
                    query[half + i] = (second * cos[i] + first * sin[i]) * attentionScale;
                }
                // consecutive query heads share a kv head, as in HF's repeat_kv
                int kvHead = head / shape.groupSize();
                Arrays.fill(scores, 0, seen, 0f);
                accumulate(scores, query, sequence.keysByDimension[layer][kvHead], 0, headDim, seen);
                softmaxInPlace(scores, seen);
                Arrays.fill(context, 0f);
                accumulate(context, scores, sequence.values[layer][kvHead], 0, seen, headDim);
                System.arraycopy(context, 0, out, offset, headDim);
            }
        }
    }

    /** out[r] = x[r] · W for W stored by input ([in][out]): a linear layer without bias, for every row. */
    private static void multiply(float[][] x, float[][] weightByInput, float[][] out) {
        int inputs = weightByInput.length;
        int outputs = weightByInput[0].length;
        int block = Math.max(4, (BLOCK_BYTES / (Float.BYTES * outputs)) & ~3);
        for (float[] row : out) {
            Arrays.fill(row, 0f);
        }
        for (int from = 0; from < inputs; from += block) {
            int to = Math.min(inputs, from + block);
            for (int row = 0; row < x.length; row++) {
                accumulate(out[row], x[row], weightByInput, from, to, outputs);
            }
        }
    }

    /**
     * target[j] += Σ coefficients[i] · rows[i][j] for i in [from, to), j in [0, width). Four rows per pass, so
     * target is loaded and stored once per four products.
     */
    private static void accumulate(float[] target, float[] coefficients, float[][] rows, int from, int to,
                                   int width) {
        int i = from;
        for (; i + 3 < to; i += 4) {
            float c0 = coefficients[i];
            float c1 = coefficients[i + 1];
            float c2 = coefficients[i + 2];
            float c3 = coefficients[i + 3];
            float[] r0 = rows[i];
            float[] r1 = rows[i + 1];
            float[] r2 = rows[i + 2];
            float[] r3 = rows[i + 3];
            for (int j = 0; j < width; j++) {
                target[j] += c0 * r0[j] + c1 * r1[j] + c2 * r2[j] + c3 * r3[j];
            }
        }
        for (; i < to; i++) {
            float c = coefficients[i];
            float[] row = rows[i];
            for (int j = 0; j < width; j++) {
                target[j] += c * row[j];
            }
        }
    }

    private void rmsNorm(float[][] x, float[] gain, float[][] out) {
        for (int row = 0; row < x.length; row++) {
            float[] values = x[row];
            double sumOfSquares = 0;
            for (float value : values) {
                sumOfSquares += value * value;
            }
            float inverseRms = (float) (1.0 / Math.sqrt(sumOfSquares / values.length + shape.rmsEps()));
            float[] target = out[row];
            for (int i = 0; i < values.length; i++) {
                target[i] = values[i] * inverseRms * gain[i];
            }
        }
    }

    /** silu(gate) · up, with gate and up side by side in {@code gateUp}. */
    private static void swiGlu(float[] gateUp, float[] out) {
        int width = out.length;
        for (int i = 0; i < width; i++) {
            float gate = gateUp[i];
            out[i] = gate / (1f + (float) Math.exp(-gate)) * gateUp[width + i];
        }
    }

    private static void softmaxInPlace(float[] scores, int count) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, scores[i]);
        }
        float sum = 0;
        for (int i = 0; i < count; i++) {
            scores[i] = (float) Math.exp(scores[i] - max);
            sum += scores[i];
        }
        float inverse = 1f / sum;
        for (int i = 0; i < count; i++) {
            scores[i] *= inverse;
        }
    }

    private static void addInPlace(float[][] x, float[][] update) {
        for (int row = 0; row < x.length; row++) {
            float[] target = x[row];
            float[] source = update[row];
            for (int i = 0; i < target.length; i++) {
                target[i] += source[i];
            }
        }
    }

    /** Row-major [count, width] as one array per row. */
    private static float[][] rows(float[] matrix, int count, int width) {
        float[][] rows = new float[count][];
        for (int row = 0; row < count; row++) {
            rows[row] = Arrays.copyOfRange(matrix, row * width, (row + 1) * width);
        }
        return rows;
    }

    /**
     * HF projection weights [out, in] (row-major), side by side along out, transposed to one array per input:
     * [in][Σ out]. q, k and v (and gate and up) become one product this way.
     */
    private static float[][] byInput(int inputs, float[]... weights) {
        int outputs = 0;
        for (float[] weight : weights) {
            outputs += weight.length / inputs;
        }
        float[][] byInput = new float[inputs][outputs];
        int offset = 0;
        for (float[] weight : weights) {
            int count = weight.length / inputs;
            for (int out = 0; out < count; out++) {
                for (int in = 0; in < inputs; in++) {
                    byInput[in][offset + out] = weight[out * inputs + in];
                }
            }
            offset += count;
        }
        return byInput;
    }

    private static void requireExactly(LlamaShape shape, Map<String, float[]> weights) {
        Map<String, int[]> expected = LlamaConfig.of(shape.hidden(), shape.intermediate(), shape.layers(),
                shape.heads(), shape.kvHeads(), shape.vocab()).withTieWordEmbeddings(shape.tiedEmbeddings())
                .tensorShapes();
        if (!weights.keySet().equals(expected.keySet())) {
            Set<String> missing = new TreeSet<>(expected.keySet());
            missing.removeAll(weights.keySet());
            Set<String> unknown = new TreeSet<>(weights.keySet());
            unknown.removeAll(expected.keySet());
            throw new IllegalArgumentException("weights do not match the model: missing " + missing
                    + ", unknown " + unknown);
        }
        expected.forEach((name, dimensions) -> {
            long size = SafeTensors.elementCount(dimensions);
            if (weights.get(name).length != size) {
                throw new IllegalArgumentException(name + " has " + weights.get(name).length + " values, expected "
                        + size);
            }
        });
    }

    /** A layer's weights: norms as they are, projections by input and fused where they share an input. */
    private record Layer(float[] inputNorm, float[][] qkvByInput, float[][] outputByInput, float[] postNorm,
                         float[][] gateUpByInput, float[][] downByInput) {
    }

    /**
     * One sequence's keys and values after the rotary embedding, per layer and kv head, preallocated to its
     * capacity. Keys are kept by dimension ([headDim][capacity]) so the scores of all positions are one
     * accumulation; values by position ([capacity][headDim]) so their weighted sum is one too.
     */
    static final class Sequence {
        private final CpuDecoder decoder;
        private final float[][][][] keysByDimension;
        private final float[][][][] values;
        private final int capacity;
        private int length;

        private Sequence(CpuDecoder decoder, int capacity) {
            LlamaShape shape = decoder.shape;
            this.decoder = decoder;
            this.capacity = capacity;
            keysByDimension = new float[shape.layers()][shape.kvHeads()][shape.headDim()][capacity];
            values = new float[shape.layers()][shape.kvHeads()][capacity][shape.headDim()];
        }

        int length() {
            return length;
        }

        int capacity() {
            return capacity;
        }
    }
}
