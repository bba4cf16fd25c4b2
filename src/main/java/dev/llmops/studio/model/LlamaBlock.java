package dev.llmops.studio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decoder-only Llama with Hugging Face semantics (RMSNorm, rotary embeddings in the rotate_half convention,
 * grouped-query attention, SwiGLU), so HF Llama-family weights mean the same thing here.
 *
 * <p>All parameters are direct parameters named by their HF names rather than nested DJL blocks, whose names are
 * numbered: importing and exporting checkpoints is then a plain name lookup. Every op takes the activation as its
 * first operand, because DJL attaches a result to the first operand's manager: the per-step manager of the
 * caller, never the long-lived one that holds the weights.
 */
final class LlamaBlock extends AbstractBlock {

    private static final byte VERSION = 1;
    /** HF's initializer_range. */
    private static final Initializer WEIGHTS = new NormalInitializer(0.02f);
    /** Large and finite: -inf would turn 0 × mask into NaN, and exp(-1e9) is already 0 in float32. */
    private static final float MASKED = -1e9f;

    private final LlamaShape shape;
    private final Parameter embedTokens;
    private final List<Layer> layers;
    private final Parameter norm;
    private final Parameter lmHead;
    private final Map<String, Parameter> byHfName = new LinkedHashMap<>();
    private final LoraSettings lora;
    /** Keyed by the adapted projection's parameter; empty without LoRA. */
    private final Map<Parameter, Adapter> adapters = new IdentityHashMap<>();
    private final Map<String, Parameter> adaptersByPeftName = new LinkedHashMap<>();
    private final float[] inverseFrequencies;

    LlamaBlock(LlamaShape shape) {
        this(shape, null);
    }

    /** With {@code lora}, the targeted projections get adapters (see {@link LoraSettings}); null: none. */
    LlamaBlock(LlamaShape shape, LoraSettings lora) {
        super(VERSION);
        this.shape = shape;
        this.lora = lora;
        int hidden = shape.hidden();
        int attentionWidth = shape.heads() * shape.headDim();
        int kvWidth = shape.kvHeads() * shape.headDim();
        embedTokens = weight("model.embed_tokens.weight", shape.vocab(), hidden);
        List<Layer> built = new ArrayList<>(shape.layers());
        for (int i = 0; i < shape.layers(); i++) {
            String prefix = "model.layers." + i + ".";
            built.add(new Layer(
                    normWeight(prefix + "input_layernorm.weight"),
                    weight(prefix + "self_attn.q_proj.weight", attentionWidth, hidden),
                    weight(prefix + "self_attn.k_proj.weight", kvWidth, hidden),
                    weight(prefix + "self_attn.v_proj.weight", kvWidth, hidden),
                    weight(prefix + "self_attn.o_proj.weight", hidden, attentionWidth),
                    normWeight(prefix + "post_attention_layernorm.weight"),
                    weight(prefix + "mlp.gate_proj.weight", shape.intermediate(), hidden),
                    weight(prefix + "mlp.up_proj.weight", shape.intermediate(), hidden),
                    weight(prefix + "mlp.down_proj.weight", hidden, shape.intermediate())));
        }
        layers = List.copyOf(built);
        if (lora != null) {
            for (Map.Entry<String, Parameter> entry : List.copyOf(byHfName.entrySet())) {
                addAdapterIfTargeted(entry.getKey(), entry.getValue());
            }
        }
        norm = normWeight("model.norm.weight");
        lmHead = shape.tiedEmbeddings() ? embedTokens : weight("lm_head.weight", shape.vocab(), hidden);

        int half = shape.headDim() / 2;
        inverseFrequencies = new float[half];
        for (int i = 0; i < half; i++) {
            inverseFrequencies[i] = (float) Math.pow(shape.ropeTheta(), -2.0 * i / shape.headDim());
        }
    }

    /** A model with freshly initialised weights (normal(0, 0.02), norms at 1) held by {@code manager}. */
    static LlamaBlock create(LlamaShape shape, NDManager manager) {
        return create(shape, null, manager);
    }

    /**
     * As {@link #create(LlamaShape, NDManager)}, with LoRA adapters when {@code lora} is not null; then only the
     * adapters are trainable and every base weight is frozen.
     */
    static LlamaBlock create(LlamaShape shape, LoraSettings lora, NDManager manager) {
        LlamaBlock block = new LlamaBlock(shape, lora);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        if (lora != null) {
            block.byHfName.values().forEach(parameter -> parameter.freeze(true));
        }
        return block;
    }

    /** The LoRA settings, or null for a plain model. */
    LoraSettings lora() {
        return lora;
    }

    /** The live adapter arrays by their PEFT names ({@code base_model.model.<module>.lora_A.weight}). */
    Map<String, NDArray> adaptersByPeftName() {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        adaptersByPeftName.forEach((name, parameter) -> arrays.put(name, parameter.getArray()));
        return Collections.unmodifiableMap(arrays);
    }

    /** The number of weights training changes: all of them, or only the adapters' with LoRA. */
    long trainableParameterCount() {
        if (lora == null) {
            return parameterCount();
        }
        return adaptersByPeftName.values().stream().mapToLong(p -> p.getShape().size()).sum();
    }

    /**
     * The weights by HF name with the adapters folded in (W + scale · B · A), as a plain model of the same shape
     * would hold them: what an export or a fast inference path needs. Without LoRA, the weights as they are.
     */
    Map<String, float[]> mergedWeights() {
        Map<String, float[]> merged = new LinkedHashMap<>();
        byHfName.forEach((name, parameter) -> {
            Adapter adapter = adapters.get(parameter);
            if (adapter == null) {
                merged.put(name, parameter.getArray().toFloatArray());
                return;
            }
            try (NDManager scratch = parameter.getArray().getManager().newSubManager()) {
                NDArray delta = adapter.b().getArray().matMul(adapter.a().getArray());
                delta.attach(scratch);
                NDArray sum = delta.mul(lora.scale()).add(parameter.getArray());
                merged.put(name, sum.toFloatArray());
            }
        });
        return merged;
    }

    /** Copies adapter weights saved by {@link #adaptersByPeftName()} back, e.g. from a training checkpoint. */
    void loadAdapters(Map<String, float[]> weights) {
        if (!weights.keySet().equals(adaptersByPeftName.keySet())) {
            throw new IllegalArgumentException("adapters do not match the model: expected "
                    + new TreeSet<>(adaptersByPeftName.keySet()) + ", got " + new TreeSet<>(weights.keySet()));
        }
        weights.forEach((name, values) -> {
            Parameter parameter = adaptersByPeftName.get(name);
            if (values.length != parameter.getShape().size()) {
                throw new IllegalArgumentException(name + " has " + values.length + " values, expected "
                        + parameter.getShape());
            }
        });
        weights.forEach((name, values) -> adaptersByPeftName.get(name).getArray().set(values));
    }

    LlamaShape shape() {
        return shape;
    }

    long parameterCount() {
        return byHfName.values().stream().mapToLong(p -> p.getShape().size()).sum();
    }

    /**
     * The live weight arrays by HF name, in HF order, with HF shapes ([out, in] for projections). A tied model
     * has no {@code lm_head.weight}, as in HF checkpoints with tie_word_embeddings.
     */
    Map<String, NDArray> parametersByHfName() {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        byHfName.forEach((name, parameter) -> arrays.put(name, parameter.getArray()));
        return Collections.unmodifiableMap(arrays);
    }

    /**
     * Copies weights into the initialised model. The names must be exactly this model's, so a checkpoint of another
     * shape or a misspelt name fails here instead of silently leaving random weights behind.
     */
    void load(Map<String, float[]> weights) {
        if (!weights.keySet().equals(byHfName.keySet())) {
            Set<String> missing = new TreeSet<>(byHfName.keySet());
            missing.removeAll(weights.keySet());
            Set<String> unknown = new TreeSet<>(weights.keySet());
            unknown.removeAll(byHfName.keySet());
            throw new IllegalArgumentException("weights do not match the model: missing " + missing
                    + ", unknown " + unknown);
        }
        weights.forEach((name, values) -> {
            Parameter parameter = byHfName.get(name);
            if (values.length != parameter.getShape().size()) {
                throw new IllegalArgumentException(name + " has " + values.length + " values, expected "
                        + parameter.getShape());
            }
        });
        weights.forEach((name, values) -> byHfName.get(name).getArray().set(values));
    }

    /** Training forward: ids [B, T] to logits [B, T, vocab], every position attending to itself and the past. */
    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(logits(parameterStore, inputs.singletonOrThrow(), null, training));
    }

    /**
     * Forward over the next {@code ids} [B, T], which follow the {@code cache.length()} positions already in the
     * cache; appends their keys and values. Gives the logits the full forward gives at those positions.
     */
    NDArray forward(ParameterStore parameterStore, NDArray ids, KvCache cache) {
        NDArray logits = logits(parameterStore, ids, cache, false);
        cache.advance(Math.toIntExact(ids.getShape().get(1)));
        return logits;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), shape.vocab())};
    }

    private NDArray logits(ParameterStore ps, NDArray ids, KvCache cache, boolean training) {
        int past = cache == null ? 0 : cache.length();
        int length = Math.toIntExact(ids.getShape().get(1));
        int limit = cache == null ? shape.maxPositions() : Math.min(shape.maxPositions(), cache.capacity());
        if (past + length > limit) {
            throw new IllegalArgumentException("sequence of " + (past + length) + " exceeds " + limit + " positions");
        }
        NDManager manager = ids.getManager();
        NDArray tokens = ids.toType(DataType.INT64, false);
        NDArray x = tokens.getNDArrayInternal()
                .embedding(tokens, value(ps, embedTokens, ids, training), SparseFormat.DENSE).singletonOrThrow();
        Rotary rotary = rotary(manager, past, length);
        // a single new token may attend to everything cached: no mask needed
        NDArray mask = length == 1 ? null : causalMask(manager, past, length);
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(ps, x, rotary, mask, cache, i, training);
        }
        return linear(rmsNorm(x, value(ps, norm, x, training)), value(ps, lmHead, x, training));
    }

    /** cos and sin [T, headDim] of the positions past..past+T, both halves repeating the frequencies as HF does. */
    private Rotary rotary(NDManager manager, int past, int length) {
        NDArray positions = manager.arange(past, past + length, 1, DataType.FLOAT32).reshape(length, 1);
        NDArray frequencies = positions.matMul(manager.create(inverseFrequencies).reshape(1, -1));
        NDArray angles = NDArrays.concat(new NDList(frequencies, frequencies), -1);
        return new Rotary(angles.cos(), angles.sin());
    }

    /** [T, past+T]: 0 where query i may see key j (j ≤ past + i), a large negative number elsewhere. */
    private static NDArray causalMask(NDManager manager, int past, int length) {
        NDArray queries = manager.arange(past, past + length, 1, DataType.INT64).reshape(length, 1);
        NDArray keys = manager.arange(0, past + length, 1, DataType.INT64).reshape(1, past + length);
        return keys.gt(queries).toType(DataType.FLOAT32, false).mul(MASKED);
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        return x.mul(meanSquare.add(shape.rmsEps()).pow(-0.5)).mul(weight);
    }

    /** x W^T for an HF-layout weight [out, in]. */
    private static NDArray linear(NDArray x, NDArray weight) {
        return x.getNDArrayInternal().linear(x, weight, null).singletonOrThrow();
    }

    private static NDArray value(ParameterStore ps, Parameter parameter, NDArray like, boolean training) {
        return ps.getValue(parameter, like.getDevice(), training);
    }

    private Parameter weight(String name, int out, int in) {
        return register(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in)).optInitializer(WEIGHTS).build());
    }

    private Parameter normWeight(String name) {
        return register(Parameter.builder().setName(name).setType(Parameter.Type.GAMMA)
                .optShape(new Shape(shape.hidden())).optInitializer(Initializer.ONES).build());
    }

    private Parameter register(Parameter parameter) {
        byHfName.put(parameter.getName(), addParameter(parameter));
        return parameter;
    }

    private void addAdapterIfTargeted(String hfName, Parameter projection) {
        String[] parts = hfName.split("\\.");
        // model.layers.<i>.<self_attn|mlp>.<module>.weight
        if (parts.length != 6 || !lora.targetModules().contains(parts[4])) {
            return;
        }
        String module = hfName.substring(0, hfName.length() - ".weight".length());
        long out = projection.getShape().get(0);
        long in = projection.getShape().get(1);
        // as PEFT: A uniform in ±1/sqrt(in) (kaiming-uniform with a = sqrt(5)), B zero so B·A starts at 0
        Parameter a = addParameter(Parameter.builder().setName("base_model.model." + module + ".lora_A.weight")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(lora.rank(), in))
                .optInitializer(new UniformInitializer((float) (1 / Math.sqrt(in)))).build());
        Parameter b = addParameter(Parameter.builder().setName("base_model.model." + module + ".lora_B.weight")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(out, lora.rank()))
                .optInitializer(Initializer.ZEROS).build());
        adapters.put(projection, new Adapter(a, b));
        adaptersByPeftName.put(a.getName(), a);
        adaptersByPeftName.put(b.getName(), b);
    }

    /**
     * x W^T for a projection, plus the adapter's scale · dropout(x) A^T B^T when the projection has one. The
     * adapter path is never merged into W during training, so the frozen weight stays bit-identical.
     */
    private NDArray project(ParameterStore ps, NDArray x, Parameter weight, boolean training) {
        NDArray projected = linear(x, value(ps, weight, x, training));
        Adapter adapter = adapters.get(weight);
        if (adapter == null) {
            return projected;
        }
        NDArray input = training && lora.dropout() > 0
                ? x.getNDArrayInternal().dropout(x, lora.dropout(), true).singletonOrThrow()
                : x;
        NDArray low = linear(input, value(ps, adapter.a(), x, training));
        return projected.add(linear(low, value(ps, adapter.b(), x, training)).mul(lora.scale()));
    }

    private record Adapter(Parameter a, Parameter b) {
    }

    private record Rotary(NDArray cos, NDArray sin) {

        /** x [B, heads, T, headDim] rotated in pairs (i, i + headDim/2): x·cos + rotate_half(x)·sin. */
        NDArray apply(NDArray x) {
            long half = x.getShape().get(3) / 2;
            NDArray rotated = NDArrays.concat(new NDList(
                    x.get(new NDIndex("..., {}:", half)).neg(), x.get(new NDIndex("..., :{}", half))), -1);
            return x.mul(cos).add(rotated.mul(sin));
        }
    }

    private final class Layer {
        private final Parameter inputNorm;
        private final Parameter query;
        private final Parameter key;
        private final Parameter valueProjection;
        private final Parameter output;
        private final Parameter postNorm;
        private final Parameter gate;
        private final Parameter up;
        private final Parameter down;

        Layer(Parameter inputNorm, Parameter query, Parameter key, Parameter valueProjection, Parameter output,
              Parameter postNorm, Parameter gate, Parameter up, Parameter down) {
            this.inputNorm = inputNorm;
            this.query = query;
            this.key = key;
            this.valueProjection = valueProjection;
            this.output = output;
            this.postNorm = postNorm;
            this.gate = gate;
            this.up = up;
            this.down = down;
        }

        NDArray forward(ParameterStore ps, NDArray x, Rotary rotary, NDArray mask, KvCache cache, int index,
                        boolean training) {
            long batch = x.getShape().get(0);
            long length = x.getShape().get(1);
            int heads = shape.heads();
            int kvHeads = shape.kvHeads();
            int headDim = shape.headDim();

            NDArray h = rmsNorm(x, value(ps, inputNorm, x, training));
            NDArray q = rotary.apply(heads(project(ps, h, query, training), heads));
            NDArray k = rotary.apply(heads(project(ps, h, key, training), kvHeads));
            NDArray v = heads(project(ps, h, valueProjection, training), kvHeads);
            if (cache != null) {
                NDList all = cache.append(index, k, v);
                k = all.get(0);
                v = all.get(1);
            }
            long keys = k.getShape().get(2);

            // Grouped-query attention without copying k and v per query head: the query heads that share a kv
            // head (consecutive, as in HF's repeat_kv) are stacked along the time axis of that kv head.
            long grouped = (long) shape.groupSize() * length;
            NDArray scores = q.reshape(batch, kvHeads, grouped, headDim)
                    .matMul(k.transpose(0, 1, 3, 2))
                    .mul(1.0 / Math.sqrt(headDim))
                    .reshape(batch, heads, length, keys);
            if (mask != null) {
                scores = scores.add(mask);
            }
            NDArray attention = scores.softmax(-1)
                    .reshape(batch, kvHeads, grouped, keys)
                    .matMul(v)
                    .reshape(batch, heads, length, headDim)
                    .transpose(0, 2, 1, 3)
                    .reshape(batch, length, (long) heads * headDim);
            x = x.add(project(ps, attention, output, training));

            NDArray m = rmsNorm(x, value(ps, postNorm, x, training));
            NDArray gated = project(ps, m, gate, training);
            NDArray swiGlu = gated.mul(Activation.sigmoid(gated)).mul(project(ps, m, up, training));
            return x.add(project(ps, swiGlu, down, training));
        }

        /** [B, T, n·headDim] to [B, n, T, headDim]. */
        private NDArray heads(NDArray projected, int count) {
            Shape s = projected.getShape();
            return projected.reshape(s.get(0), s.get(1), count, shape.headDim()).transpose(0, 2, 1, 3);
        }
    }
}
