package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;
import dev.llmops.studio.model.LlamaGenerator.FinishReason;
import dev.llmops.studio.model.LlamaGenerator.Generation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlamaGeneratorTest {

    private static final int[] PROMPT = {ByteTokenizer.BOS, 'h', 'e', 'l', 'l', 'o'};

    private NDManager manager;
    private LlamaBlock block;
    private LlamaGenerator generator;

    @BeforeEach
    void createModel() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(11);
        block = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
        generator = new LlamaGenerator(block);
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void greedyGenerationWithTheCacheEqualsRecomputingEveryPosition() {
        Generation cached = generator.generate(PROMPT, SamplingOptions.greedy(20, List.of()));

        assertThat(cached.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(cached.tokens()).hasSize(20).containsExactly(greedyWithoutCache(PROMPT, 20));
    }

    @Test
    void generationLeavesNoArraysBehind() {
        int before = manager.getManagedArrays().size();

        new LlamaGenerator(block).generate(PROMPT, new SamplingOptions(0.7f, 20, 0.9f, 15, List.of(), 3L));

        assertThat(manager.getManagedArrays()).hasSize(before);
    }

    @Test
    void theGeneratorKeepsTheWeightsItWasMadeWith() {
        int[] before = generator.generate(PROMPT, SamplingOptions.greedy(8, List.of())).tokens();

        ModelEngine.stopRecordingGradients(); // as the trainer does before changing weights in place
        block.parametersByHfName().get("model.norm.weight").muli(-1f);

        assertThat(generator.generate(PROMPT, SamplingOptions.greedy(8, List.of())).tokens()).containsExactly(before);
        assertThat(new LlamaGenerator(block).generate(PROMPT, SamplingOptions.greedy(8, List.of())).tokens())
                .as("a new generator sees the change").isNotEqualTo(before);
    }

    @Test
    void seededSamplingRepeats() {
        SamplingOptions options = new SamplingOptions(1.0f, 50, 0.95f, 30, List.of(), 42L);

        int[] first = generator.generate(PROMPT, options).tokens();
        int[] second = generator.generate(PROMPT, options).tokens();
        Set<String> others = new HashSet<>();
        for (long seed = 1; seed <= 3; seed++) {
            others.add(Arrays.toString(generator.generate(PROMPT,
                    new SamplingOptions(1.0f, 50, 0.95f, 30, List.of(), seed)).tokens()));
        }

        assertThat(second).containsExactly(first);
        assertThat(others).as("other seeds draw other tokens").doesNotContain(Arrays.toString(first));
    }

    @Test
    void aStopSequenceEndsGenerationAndIsLeftOut() {
        int[] free = generator.generate(PROMPT, SamplingOptions.greedy(12, List.of())).tokens();
        int[] stop = {free[6], free[7]};
        int first = 0;
        while (free[first] != stop[0] || free[first + 1] != stop[1]) {
            first++;
        }

        Generation stopped = generator.generate(PROMPT, SamplingOptions.greedy(12, List.of(new int[] {-1}, stop)));

        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(stopped.tokens()).containsExactly(Arrays.copyOf(free, first));
    }

    @Test
    void generationStopsAtThePositionLimit() {
        int limit = LlamaBlockTest.MICRO.maxPositions();

        Generation generation = generator.generate(PROMPT, SamplingOptions.greedy(1000, List.of()));

        assertThat(generation.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(generation.tokens()).hasSize(limit - PROMPT.length);
    }

    @Test
    void topKOfOneAndATinyNucleusAreGreedy() {
        float[] logits = {0.1f, 2.5f, -1f, 2.4f};
        Sampler topK = new Sampler(new SamplingOptions(1.5f, 1, 1f, 1, List.of(), 5L));
        Sampler topP = new Sampler(new SamplingOptions(1.5f, 0, 0.01f, 1, List.of(), 5L));
        Sampler topTwo = new Sampler(new SamplingOptions(1f, 2, 1f, 1, List.of(), 5L));
        Set<Integer> drawn = new HashSet<>();

        for (int i = 0; i < 200; i++) {
            assertThat(topK.next(logits)).isEqualTo(1);
            assertThat(topP.next(logits)).isEqualTo(1);
            drawn.add(topTwo.next(logits));
        }
        assertThat(drawn).containsExactlyInAnyOrder(1, 3);
    }

    @Test
    void tinyPresetGenerationSpeed() {
        LlamaBlock tiny = LlamaBlock.create(LlamaShape.tiny(), manager);
        LlamaGenerator tinyGenerator = new LlamaGenerator(tiny);
        SamplingOptions options = new SamplingOptions(0.8f, 40, 0.9f, 200, List.of(), 1L);
        tinyGenerator.generate(PROMPT, SamplingOptions.greedy(5, List.of()));

        long start = System.nanoTime();
        Generation generation = tinyGenerator.generate(PROMPT, options);
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(generation.tokens()).hasSize(200);
        System.out.printf("[llama] tiny generation with KV cache: %d tokens in %.2f s = %.0f tokens/s%n",
                generation.tokens().length, seconds, generation.tokens().length / seconds);
    }

    private int[] greedyWithoutCache(int[] prompt, int count) {
        List<Integer> sequence = new ArrayList<>();
        Arrays.stream(prompt).forEach(sequence::add);
        ParameterStore parameters = new ParameterStore(manager, false);
        int[] produced = new int[count];
        for (int i = 0; i < count; i++) {
            try (NDManager step = manager.newSubManager()) {
                int[] ids = sequence.stream().mapToInt(Integer::intValue).toArray();
                NDArray logits = block.forward(parameters, new NDList(step.create(new int[][] {ids})), false)
                        .singletonOrThrow();
                produced[i] = (int) logits.get(new NDIndex("0, {}", ids.length - 1)).argMax().getLong();
                sequence.add(produced[i]);
            }
        }
        return produced;
    }
}
