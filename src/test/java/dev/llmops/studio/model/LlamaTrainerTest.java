package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlamaTrainerTest {

    private static final String TEXT = "The quick brown fox jumps over the lazy dog. Pack my box with five dozen "
            + "liquor jugs. ";

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
    void lossCountsOnlyTrainablePositions() {
        LlamaBlock block = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
        LlamaTrainer trainer = new LlamaTrainer(block, manager, Tracker.fixed(1e-3f), 0.01f, 1f);
        int[] ids = {ByteTokenizer.BOS, 10, 20, 30, 40};
        boolean[] onlyThird = {false, false, false, true, false};

        float loss = trainer.loss(new int[][] {ids}, new boolean[][] {onlyThird});

        NDArray logits = block.forward(new ParameterStore(manager, false),
                new NDList(manager.create(new int[][] {Arrays.copyOf(ids, 4)})), false).singletonOrThrow();
        float expected = -logits.get("0, 2").logSoftmax(-1).getFloat(30);
        assertThat(loss).isCloseTo(expected, within(1e-5f));
    }

    @Test
    void stepsLeaveNoArraysBehind() {
        LlamaBlock block = LlamaBlock.create(LlamaBlockTest.MICRO, manager);
        LlamaTrainer trainer = new LlamaTrainer(block, manager, Tracker.fixed(1e-3f), 0.01f, 1f);
        int[][] tokens = {{1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1}};
        boolean[][] trainable = {{true, true, true, true, true, true}, {false, false, true, true, true, true}};
        trainer.step(tokens, trainable);
        int afterFirstStep = manager.getManagedArrays().size();

        for (int i = 0; i < 3; i++) {
            trainer.step(tokens, trainable);
            trainer.loss(tokens, trainable);
        }

        assertThat(manager.getManagedArrays()).as("weights and optimizer state only").hasSize(afterFirstStep);
    }

    @Test
    void tinyPresetLearnsARepetitiveText() {
        LlamaBlock block = LlamaBlock.create(LlamaShape.tiny(), manager);
        LlamaTrainer trainer = new LlamaTrainer(block, manager, new WarmupCosine(3e-3f, 5, 60, 0.1f), 0.01f, 1f);
        int[] corpus = new ByteTokenizer().encode(TEXT.repeat(20));
        Random random = new Random(1);
        int batch = 8;
        int length = 64;
        int steps = 60;
        boolean[][] all = new boolean[batch][length + 1];
        for (boolean[] row : all) {
            Arrays.fill(row, true);
        }

        float[] losses = new float[steps];
        long start = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            int[][] tokens = new int[batch][];
            for (int b = 0; b < batch; b++) {
                int offset = random.nextInt(corpus.length - length - 1);
                tokens[b] = Arrays.copyOfRange(corpus, offset, offset + length + 1);
            }
            LlamaTrainer.StepResult result = trainer.step(tokens, all);
            assertThat(result.gradientNorm()).isFinite().isPositive();
            losses[s] = result.loss();
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        float initial = average(losses, 0, 5);
        float last = average(losses, steps - 5, steps);
        System.out.printf("[llama] tiny training B%d T%d: loss %.3f -> %.3f in %d steps, %.0f ms/step, "
                        + "%.2f steps/s, %.0f tokens/s%n", batch, length, initial, last, steps,
                seconds * 1000 / steps, steps / seconds, steps * batch * length / seconds);
        assertThat(last).isLessThan(0.6f * initial);
    }

    private static float average(float[] values, int from, int to) {
        float sum = 0;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        return sum / (to - from);
    }
}
