package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CpuDecoderTest {

    private static final float TOLERANCE = 1e-4f;

    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(5);
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void promptChunksAndSingleTokensGiveTheEnginesLogits() {
        LlamaBlock block = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
        int[] ids = new Random(3).ints(14, 0, 262).toArray();
        float[][] expected = engineLogits(block, ids);
        CpuDecoder decoder = CpuDecoder.of(block);
        CpuDecoder.Sequence sequence = decoder.newSequence(ids.length);

        int start = 0;
        for (int chunk : new int[] {5, 3, 1, 1, 1, 1, 1, 1}) {
            float[] logits = decoder.append(sequence, Arrays.copyOfRange(ids, start, start + chunk));
            start += chunk;
            assertThat(maxDifference(logits, expected[start - 1])).as("position %d", start - 1)
                    .isLessThan(TOLERANCE);
        }
        assertThat(sequence.length()).isEqualTo(ids.length);
    }

    /** Heads / kv heads: multi-head, grouped by 2 and 3, and multi-query; tied and untied heads. */
    @ParameterizedTest
    @ValueSource(strings = {"4/4/untied", "4/2/tied", "6/2/untied", "6/1/tied"})
    void everyHeadGroupingGivesTheEnginesLogits(String grouping) {
        String[] parts = grouping.split("/");
        int heads = Integer.parseInt(parts[0]);
        LlamaShape shape = new LlamaShape(ByteTokenizer.VOCAB_SIZE, 8 * heads, 40, 2, heads,
                Integer.parseInt(parts[1]), 10_000f, 1e-5f, parts[2].equals("tied"), 32);
        LlamaBlock block = LlamaBlock.create(shape, manager);
        int[] ids = new Random(heads).ints(9, 0, 262).toArray();
        float[][] expected = engineLogits(block, ids);
        CpuDecoder decoder = CpuDecoder.of(block);
        CpuDecoder.Sequence sequence = decoder.newSequence(ids.length);

        float[] afterPrompt = decoder.append(sequence, Arrays.copyOf(ids, 6));
        assertThat(maxDifference(afterPrompt, expected[5])).isLessThan(TOLERANCE);
        for (int position = 6; position < ids.length; position++) {
            float[] logits = decoder.append(sequence, new int[] {ids[position]});
            assertThat(maxDifference(logits, expected[position])).as("position %d", position).isLessThan(TOLERANCE);
        }
    }

    @Test
    void greedyTokensOfTheTinyPresetEqualTheEnginesWithItsCache() {
        LlamaBlock block = LlamaBlock.create(LlamaShape.tiny(), manager);
        int[] prompt = {ByteTokenizer.BOS, 'L', 'l', 'a', 'm', 'a'};
        int count = 16;

        CpuDecoder decoder = CpuDecoder.of(block);
        CpuDecoder.Sequence sequence = decoder.newSequence(prompt.length + count);
        int[] fast = new int[count];
        float[] logits = decoder.append(sequence, prompt);
        for (int i = 0; i < count; i++) {
            fast[i] = argmax(logits);
            logits = decoder.append(sequence, new int[] {fast[i]});
        }

        assertThat(fast).containsExactly(engineGreedy(block, prompt, count));
    }

    @Test
    void aBatchedStepGivesEachSequenceItsOwnLogits() {
        CpuDecoder decoder = CpuDecoder.of(LlamaBlock.create(LlamaBlockTest.MICRO, manager));
        int[][] prompts = {{1, 2, 3}, {9, 8, 7, 6, 5}, {42}};
        CpuDecoder.Sequence[] batched = new CpuDecoder.Sequence[prompts.length];
        float[][] alone = new float[prompts.length][];
        for (int s = 0; s < prompts.length; s++) {
            batched[s] = decoder.newSequence(8);
            decoder.append(batched[s], prompts[s]);
            CpuDecoder.Sequence single = decoder.newSequence(8);
            decoder.append(single, prompts[s]);
            alone[s] = decoder.append(single, new int[] {100 + s});
        }

        float[][] together = decoder.appendEach(batched, new int[] {100, 101, 102});

        for (int s = 0; s < prompts.length; s++) {
            assertThat(together[s]).as("sequence %d", s).containsExactly(alone[s]);
            assertThat(batched[s].length()).isEqualTo(prompts[s].length + 1);
        }
    }

    @Test
    void misuseIsRejected() {
        LlamaBlock block = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
        CpuDecoder decoder = CpuDecoder.of(block);
        CpuDecoder.Sequence sequence = decoder.newSequence(4);

        assertThatThrownBy(() -> decoder.append(sequence, new int[] {1, 2, 3, 4, 5}))
                .hasMessageContaining("sequence of 5 exceeds 4 positions");
        assertThatThrownBy(() -> decoder.append(sequence, new int[] {262})).hasMessageContaining("token 262");
        assertThatThrownBy(() -> decoder.appendEach(new CpuDecoder.Sequence[] {sequence, sequence},
                new int[] {1, 2})).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> decoder.newSequence(LlamaBlockTest.MICRO.maxPositions() + 1))
                .hasMessageContaining("capacity");
        assertThatThrownBy(() -> CpuDecoder.of(block).append(sequence, new int[] {1}))
                .hasMessageContaining("another decoder");
        Map<String, float[]> weights = new LinkedHashMap<>();
        block.parametersByHfName().forEach((name, array) -> weights.put(name, array.toFloatArray()));
        weights.remove("lm_head.weight");
        assertThatThrownBy(() -> new CpuDecoder(LlamaBlockTest.MICRO, weights))
                .hasMessageContaining("missing [lm_head.weight]");
    }

    private float[][] engineLogits(LlamaBlock block, int[] ids) {
        NDArray logits = block.forward(new ParameterStore(manager, false),
                new NDList(manager.create(new int[][] {ids})), false).singletonOrThrow();
        float[][] rows = new float[ids.length][];
        for (int position = 0; position < ids.length; position++) {
            rows[position] = logits.get(new NDIndex("0, {}", position)).toFloatArray();
        }
        return rows;
    }

    /** Greedy decoding through LlamaBlock's own cached forward: the DJL path the decoder replaces. */
    private int[] engineGreedy(LlamaBlock block, int[] prompt, int count) {
        int[] produced = new int[count];
        ParameterStore parameters = new ParameterStore(manager, false);
        try (KvCache cache = new KvCache(block.shape(), 1, prompt.length + count, manager)) {
            int[] next = prompt;
            for (int i = 0; i < count; i++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray logits = block.forward(parameters, step.create(next, new Shape(1, next.length)), cache);
                    produced[i] = (int) logits.get(new NDIndex("0, {}", next.length - 1)).argMax().getLong();
                }
                next = new int[] {produced[i]};
            }
        }
        return produced;
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static float maxDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
