package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hugging Face folders in and out of the DJL engine: an imported random checkpoint (single file or sharded, F32,
 * F16 or BF16) computes the logits the plain-Java reference computes from the same file, and an exported model
 * imports back to identical logits.
 */
class HuggingFaceFoldersTest {

    private static final int[] TOKENS = {1, 17, 42, 299, 5, 250, 3, 64, 2};

    @TempDir
    Path dir;
    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @ParameterizedTest
    @EnumSource(value = SafeTensors.DType.class, names = {"F32", "F16", "BF16"})
    void anImportedCheckpointComputesWhatTheReferenceComputes(SafeTensors.DType dtype) throws Exception {
        LlamaConfig config = RandomCheckpoint.SMALL;
        Path folder = dir.resolve("hf-" + dtype);
        RandomCheckpoint.write(folder, config, RandomCheckpoint.randomWeights(config, 7), dtype, dtype == SafeTensors.DType.F32);

        LlamaBlock block = HuggingFaceFolders.importFolder(folder, manager);
        Map<String, float[]> stored;
        try (CheckpointReader reader = CheckpointReader.open(folder)) {
            stored = reader.readWeights();
        }
        double[][] expected = new ReferenceLlama(config, stored).logits(TOKENS);
        float[] actual = logits(block);

        double worst = 0;
        double largest = 0;
        for (int t = 0; t < TOKENS.length; t++) {
            for (int v = 0; v < config.vocabSize(); v++) {
                worst = Math.max(worst, Math.abs(actual[t * config.vocabSize() + v] - expected[t][v]));
                largest = Math.max(largest, Math.abs(expected[t][v]));
            }
        }
        assertThat(largest).isGreaterThan(0.5);
        assertThat(worst).as("largest difference from the reference").isLessThan(1e-4 * Math.max(1, largest));
    }

    @Test
    void theCheckpointsTokenizerLoadsOfflineWithDjlsHuggingFaceTokenizers() throws Exception {
        Path folder = dir.resolve("with-tokenizer");
        RandomCheckpoint.write(folder, RandomCheckpoint.SMALL,
                RandomCheckpoint.randomWeights(RandomCheckpoint.SMALL, 3), SafeTensors.DType.F32, false);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(folder)) {
            assertThat(tokenizer.encode("w3 w42 w299").getIds()).containsExactly(3L, 42L, 299L);
            assertThat(tokenizer.decode(new long[] {3, 42}, true)).isEqualTo("w3 w42");
        }
    }

    @Test
    void anExportedModelImportsBackToIdenticalLogits() throws Exception {
        LlamaBlock original = LlamaBlock.create(LlamaShape.tiny(), manager);
        Path folder = dir.resolve("export");
        HuggingFaceFolders.exportFolder(original, folder, SafeTensors.DType.F32);

        LlamaBlock imported = HuggingFaceFolders.importFolder(folder, manager);

        assertThat(imported.shape()).isEqualTo(original.shape());
        assertThat(logits(imported)).containsExactly(logits(original));
    }

    private float[] logits(LlamaBlock block) {
        int[] ids = TOKENS.clone();
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ids[i] % block.shape().vocab();
        }
        return block.forward(new ParameterStore(manager, false), new NDList(manager.create(new int[][] {ids})), false)
                .singletonOrThrow().toFloatArray();
    }
}
