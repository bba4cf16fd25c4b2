package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlamaBlockTest {

    /** Two layers, four query heads sharing two kv heads, untied: every code path at test speed. */
    static final LlamaShape MICRO =
            new LlamaShape(ByteTokenizer.VOCAB_SIZE, 32, 64, 2, 4, 2, 10_000f, 1e-5f, false, 64);

    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(7);
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void forwardMapsIdsToLogitsPerPosition() {
        LlamaBlock block = LlamaBlock.create(MICRO, manager);

        NDArray logits = forward(block, new int[][] {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}});

        assertThat(logits.getShape()).isEqualTo(new Shape(2, 5, MICRO.vocab()));
        assertThat(block.getOutputShapes(new Shape[] {new Shape(2, 5)})[0]).isEqualTo(logits.getShape());
        assertThat(logits.isInfinite().any().getBoolean() || logits.isNaN().any().getBoolean()).isFalse();
    }

    @Test
    void laterTokensDoNotChangeEarlierLogits() {
        LlamaBlock block = LlamaBlock.create(MICRO, manager);

        NDArray a = forward(block, new int[][] {{10, 20, 30, 40, 50, 60}});
        NDArray b = forward(block, new int[][] {{10, 20, 30, 99, 98, 97}});

        assertThat(close(a.get(":, :3"), b.get(":, :3"), 1e-5f)).isTrue();
        assertThat(close(a.get(":, 3:"), b.get(":, 3:"), 1e-3f)).isFalse();
    }

    @Test
    void cachedForwardGivesTheFullForwardsLogits() {
        LlamaBlock block = LlamaBlock.create(MICRO, manager);
        int[] ids = new Random(3).ints(14, 0, 256).toArray();
        NDArray full = forward(block, new int[][] {ids});

        ParameterStore parameters = new ParameterStore(manager, false);
        try (KvCache cache = new KvCache(MICRO, 1, ids.length, manager)) {
            // a prefill, a chunk of three after it (mask with an offset), then single tokens
            int[] chunks = {5, 3, 1, 1, 1, 1, 1, 1};
            int start = 0;
            for (int chunk : chunks) {
                int[] part = java.util.Arrays.copyOfRange(ids, start, start + chunk);
                NDArray logits = block.forward(parameters, manager.create(part, new Shape(1, chunk)), cache);
                NDArray expected = full.get(new NDIndex(":, {}:{}", start, start + chunk));
                float difference = logits.sub(expected).abs().max().getFloat();
                assertThat(difference).as("positions %d..%d", start, start + chunk).isLessThan(1e-4f);
                start += chunk;
            }
            assertThat(cache.length()).isEqualTo(ids.length);
        }
    }

    @Test
    void presetsHaveTheAdvertisedSize() {
        long tiny = new LlamaBlock(LlamaShape.tiny()).parameterCount();
        long small = new LlamaBlock(LlamaShape.small()).parameterCount();

        assertThat(tiny).isEqualTo(LlamaShape.tiny().parameterCount()).isBetween(900_000L, 1_100_000L);
        assertThat(small).isEqualTo(LlamaShape.small().parameterCount()).isBetween(9_000_000L, 11_000_000L);
        assertThat(new LlamaBlock(MICRO).parameterCount()).isEqualTo(MICRO.parameterCount());
        System.out.printf("[llama] parameters: tiny %,d, small %,d%n", tiny, small);
    }

    @Test
    void parametersCarryHuggingFaceNamesAndShapes() {
        Map<String, NDArray> untied = LlamaBlock.create(MICRO, manager).parametersByHfName();
        LlamaShape tiedShape = new LlamaShape(MICRO.vocab(), 32, 64, 2, 4, 2, 10_000f, 1e-5f, true, 64);
        Map<String, NDArray> tied = LlamaBlock.create(tiedShape, manager).parametersByHfName();

        assertThat(untied).hasSize(2 + 9 * 2 + 1);
        assertThat(untied.keySet()).startsWith("model.embed_tokens.weight").endsWith("model.norm.weight",
                "lm_head.weight");
        assertThat(untied.get("model.embed_tokens.weight").getShape()).isEqualTo(new Shape(262, 32));
        assertThat(untied.get("model.layers.1.input_layernorm.weight").getShape()).isEqualTo(new Shape(32));
        assertThat(untied.get("model.layers.1.self_attn.q_proj.weight").getShape()).isEqualTo(new Shape(32, 32));
        assertThat(untied.get("model.layers.1.self_attn.k_proj.weight").getShape()).isEqualTo(new Shape(16, 32));
        assertThat(untied.get("model.layers.1.self_attn.v_proj.weight").getShape()).isEqualTo(new Shape(16, 32));
        assertThat(untied.get("model.layers.1.self_attn.o_proj.weight").getShape()).isEqualTo(new Shape(32, 32));
        assertThat(untied.get("model.layers.1.post_attention_layernorm.weight").getShape()).isEqualTo(new Shape(32));
        assertThat(untied.get("model.layers.1.mlp.gate_proj.weight").getShape()).isEqualTo(new Shape(64, 32));
        assertThat(untied.get("model.layers.1.mlp.up_proj.weight").getShape()).isEqualTo(new Shape(64, 32));
        assertThat(untied.get("model.layers.1.mlp.down_proj.weight").getShape()).isEqualTo(new Shape(32, 64));
        assertThat(untied.get("lm_head.weight").getShape()).isEqualTo(new Shape(262, 32));
        assertThat(tied).doesNotContainKey("lm_head.weight").hasSize(untied.size() - 1);
    }

    @Test
    void loadedWeightsReadBackAndDriveTheForward() {
        LlamaBlock source = LlamaBlock.create(MICRO, manager);
        LlamaBlock target = LlamaBlock.create(MICRO, manager);
        Map<String, float[]> weights = new LinkedHashMap<>();
        source.parametersByHfName().forEach((name, array) -> weights.put(name, array.toFloatArray()));

        target.load(weights);

        target.parametersByHfName().forEach((name, array) ->
                assertThat(array.toFloatArray()).as(name).containsExactly(weights.get(name)));
        int[][] ids = {{1, 2, 3, 4}};
        assertThat(forward(target, ids).sub(forward(source, ids)).abs().max().getFloat()).isZero();
    }

    @Test
    void loadRejectsMissingUnknownAndMisshapenWeights() {
        LlamaBlock block = LlamaBlock.create(MICRO, manager);
        Map<String, float[]> weights = new HashMap<>();
        block.parametersByHfName().forEach((name, array) -> weights.put(name, array.toFloatArray()));

        Map<String, float[]> missing = new HashMap<>(weights);
        missing.remove("model.norm.weight");
        assertThatThrownBy(() -> block.load(missing)).hasMessageContaining("missing [model.norm.weight]");

        Map<String, float[]> unknown = new HashMap<>(weights);
        unknown.put("model.layers.2.mlp.up_proj.weight", new float[1]);
        assertThatThrownBy(() -> block.load(unknown)).hasMessageContaining("unknown [model.layers.2.mlp.up_proj");

        Map<String, float[]> misshapen = new HashMap<>(weights);
        misshapen.put("model.norm.weight", new float[31]);
        float[] shifted = weights.get("model.embed_tokens.weight").clone();
        shifted[0] += 1f;
        misshapen.put("model.embed_tokens.weight", shifted);
        float before = block.parametersByHfName().get("model.embed_tokens.weight").getFloat(0, 0);
        assertThatThrownBy(() -> block.load(misshapen)).hasMessageContaining("model.norm.weight has 31 values");
        assertThat(block.parametersByHfName().get("model.embed_tokens.weight").getFloat(0, 0))
                .as("nothing copied before the check failed").isCloseTo(before, within(0f));
    }

    @Test
    void sequencesLongerThanThePositionLimitAreRejected() {
        LlamaBlock block = LlamaBlock.create(MICRO, manager);

        assertThatThrownBy(() -> forward(block, new int[][] {new int[MICRO.maxPositions() + 1]}))
                .hasMessageContaining("exceeds 64 positions");
    }

    private NDArray forward(LlamaBlock block, int[][] ids) {
        NDArray input = manager.create(ids);
        return block.forward(new ParameterStore(manager, false), new NDList(input), false).singletonOrThrow();
    }

    private static boolean close(NDArray a, NDArray b, float tolerance) {
        return a.sub(b).abs().max().getFloat() < tolerance;
    }
}
