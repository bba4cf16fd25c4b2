package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoraAndAccumulationTest {

    private static final int[][] FIRST = {{1, 2, 3, 4, 5, 6, 7, 8}, {8, 7, 6, 5, 4, 3, 2, 1}};
    private static final int[][] SECOND = {{9, 9, 8, 8, 7, 7, 6, 6}, {3, 1, 4, 1, 5, 9, 2, 6}};
    private static final boolean[][] FIRST_MASK = {
            {false, false, true, true, true, true, true, true}, {true, true, true, true, true, true, true, true}};
    private static final boolean[][] SECOND_MASK = {
            {true, true, true, true, false, false, true, true}, {false, false, false, true, true, true, true, true}};

    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(11);
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void accumulatedMicroBatchesUpdateLikeOneBatchOfAllSequences() {
        LlamaBlock whole = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
        LlamaBlock accumulated = copyOf(whole, null);
        LlamaTrainer oneBatch = new LlamaTrainer(whole, manager, Tracker.fixed(1e-2f), 0.1f, 1f);
        LlamaTrainer microBatches = new LlamaTrainer(accumulated, manager, Tracker.fixed(1e-2f), 0.1f, 1f);

        for (int step = 0; step < 3; step++) {
            LlamaTrainer.StepResult a = oneBatch.step(concat(FIRST, SECOND), concat(FIRST_MASK, SECOND_MASK));
            LlamaTrainer.StepResult b = microBatches.step(List.of(new LlamaTrainer.MicroBatch(FIRST, FIRST_MASK),
                    new LlamaTrainer.MicroBatch(SECOND, SECOND_MASK)));
            assertThat(b.loss()).isCloseTo(a.loss(), within(1e-5f));
            assertThat(b.gradientNorm()).isCloseTo(a.gradientNorm(), within(1e-4f));
        }

        Map<String, NDArray> expected = whole.parametersByHfName();
        accumulated.parametersByHfName().forEach((name, array) ->
                assertThat(array.toFloatArray()).as(name)
                        .containsExactly(expected.get(name).toFloatArray(), within(2e-6f)));
    }

    @Test
    void loraTrainsOnlyTheAdaptersAndLeavesEveryBaseWeightBitIdentical() {
        LlamaBlock base = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
        // a random base cannot express sharp predictions through its frozen head: pretrain it on other data first
        LlamaTrainer pretraining = new LlamaTrainer(base, manager, Tracker.fixed(1e-2f), 0f, 1f);
        for (int i = 0; i < 40; i++) {
            pretraining.step(FIRST, FIRST_MASK);
        }
        Map<String, float[]> before = floats(base.parametersByHfName());
        assertThat(copyOf(base, new LoraSettings(4, 8f, 0f, Set.of("q_proj", "v_proj", "down_proj")))
                .trainableParameterCount())
                .as("A [4, in] and B [out, 4] for 3 modules in 2 layers")
                .isEqualTo(2L * (4 * 32 + 32 * 4 + 4 * 32 + 16 * 4 + 4 * 64 + 32 * 4));
        LlamaBlock adapted = copyOf(base, new LoraSettings(4, 8f, 0f, Set.copyOf(LoraSettings.MODULES)));
        assertThat(logits(adapted, FIRST)).as("B starts at zero: the adapted model is the base model")
                .containsExactly(logits(base, FIRST), within(1e-6f));

        LlamaTrainer trainer = new LlamaTrainer(adapted, manager, Tracker.fixed(1e-2f), 0.01f, 1f);
        float first = trainer.step(SECOND, SECOND_MASK).loss();
        float last = first;
        for (int i = 0; i < 40; i++) {
            last = trainer.step(SECOND, SECOND_MASK).loss();
        }

        assertThat(last).as("the adapters learn").isLessThan(0.5f * first);
        Map<String, float[]> after = floats(adapted.parametersByHfName());
        before.forEach((name, values) -> assertThat(Arrays.equals(after.get(name), values))
                .as("base weight %s unchanged to the bit", name).isTrue());
        assertThat(adapted.adaptersByPeftName()).containsKey(
                "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight");
        assertThat(adapted.adaptersByPeftName().get("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight")
                .abs().sum().getFloat()).as("B moved away from zero").isPositive();
    }

    @Test
    void mergedWeightsComputeWhatTheAdaptedModelComputes() {
        LlamaBlock adapted = LlamaBlock.create(LlamaBlockTest.MICRO,
                new LoraSettings(2, 4f, 0.1f, Set.copyOf(LoraSettings.MODULES)), manager);
        LlamaTrainer trainer = new LlamaTrainer(adapted, manager, Tracker.fixed(1e-2f), 0f, 1f);
        for (int i = 0; i < 5; i++) {
            trainer.step(SECOND, SECOND_MASK);
        }

        LlamaBlock merged = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
        merged.load(adapted.mergedWeights());

        assertThat(logits(merged, SECOND)).containsExactly(logits(adapted, SECOND), within(1e-4f));
        // generation runs on the plain-Java decoder, which must see the adapters too
        float[] all = logits(adapted, new int[][] {SECOND[0]});
        int vocab = LlamaBlockTest.MICRO.vocab();
        float[] last = java.util.Arrays.copyOfRange(all, all.length - vocab, all.length);
        CpuDecoder decoder = CpuDecoder.of(adapted);
        assertThat(decoder.append(decoder.newSequence(16), SECOND[0])).containsExactly(last, within(1e-4f));
    }

    @Test
    void aTrainerRestoredFromACheckpointContinuesExactlyAsTheOriginal() {
        LlamaBlock original = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
        LlamaTrainer trainer = new LlamaTrainer(original, manager, new WarmupCosine(1e-2f, 2, 6, 0.1f), 0.1f, 1f);
        for (int i = 0; i < 3; i++) {
            trainer.step(FIRST, FIRST_MASK);
        }
        Map<String, float[]> savedWeights = floats(original.parametersByHfName());
        Map<String, float[]> savedState = trainer.optimizerState();
        LlamaBlock resumed = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
        resumed.load(savedWeights);
        LlamaTrainer resumedTrainer = new LlamaTrainer(resumed, manager, new WarmupCosine(1e-2f, 2, 6, 0.1f), 0.1f,
                1f);
        resumedTrainer.restore(trainer.stepsDone(), savedState);

        for (int i = 0; i < 3; i++) {
            LlamaTrainer.StepResult expected = trainer.step(SECOND, SECOND_MASK);
            LlamaTrainer.StepResult actual = resumedTrainer.step(SECOND, SECOND_MASK);
            assertThat(actual.learningRate()).isEqualTo(expected.learningRate());
            assertThat(actual.loss()).isCloseTo(expected.loss(), within(1e-6f));
        }
        assertThat(resumedTrainer.stepsDone()).isEqualTo(6);
    }

    @Test
    void restoringStateOfAnotherModelIsRefused() {
        LlamaBlock block = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
        LlamaTrainer trainer = new LlamaTrainer(block, manager, Tracker.fixed(1e-3f), 0f, 1f);

        assertThatThrownBy(() -> trainer.restore(1, Map.of("m/model.norm.weight", new float[3])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");
    }

    @Test
    void unknownTargetModulesAreNamed() {
        assertThatThrownBy(() -> new LoraSettings(8, 16, 0, Set.of("q_proj", "qkv")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[qkv]");
        assertThat(LoraSettings.parseTargets("all")).containsExactlyInAnyOrderElementsOf(LoraSettings.MODULES);
        assertThat(LoraSettings.parseTargets(" q_proj, v_proj ")).containsExactly("q_proj", "v_proj");
    }

    private LlamaBlock copyOf(LlamaBlock source, LoraSettings lora) {
        LlamaBlock copy = LlamaBlock.create(source.shape(), lora, manager);
        copy.load(floats(source.parametersByHfName()));
        return copy;
    }

    private float[] logits(LlamaBlock block, int[][] tokens) {
        try (NDManager scope = manager.newSubManager()) {
            return block.forward(new ParameterStore(scope, false), new NDList(scope.create(tokens)), false)
                    .singletonOrThrow().toFloatArray();
        }
    }

    private static Map<String, float[]> floats(Map<String, NDArray> arrays) {
        Map<String, float[]> values = new LinkedHashMap<>();
        arrays.forEach((name, array) -> values.put(name, array.toFloatArray()));
        return values;
    }

    private static int[][] concat(int[][] a, int[][] b) {
        int[][] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static boolean[][] concat(boolean[][] a, boolean[][] b) {
        boolean[][] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
