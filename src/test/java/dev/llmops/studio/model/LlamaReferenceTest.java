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
        // the plain-Java reference that also checks imported Hugging Face checkpoints
        double[][] expected = new ReferenceLlama(shape.toConfig(), weights).logits(ids);

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
}
