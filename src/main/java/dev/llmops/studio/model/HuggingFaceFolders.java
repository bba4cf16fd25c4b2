package dev.llmops.studio.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Llama models in and out of the Hugging Face folder layout (config.json + safetensors, single or sharded), so
 * weights move between this engine and other tools. Import checks every tensor name and shape against the config
 * before a single weight is copied; export writes what import reads.
 */
final class HuggingFaceFolders {

    /** Shards of at most 2 GB, as transformers writes them by default (with a little room). */
    static final long MAX_SHARD_BYTES = 2_000_000_000L;

    private HuggingFaceFolders() {
    }

    static LlamaBlock importFolder(Path folder, NDManager manager) throws IOException {
        try (CheckpointReader checkpoint = CheckpointReader.open(folder)) {
            LlamaBlock block = LlamaBlock.create(LlamaShape.fromConfig(checkpoint.config()), manager);
            block.load(checkpoint.readWeights());
            return block;
        }
    }

    static void exportFolder(LlamaBlock block, Path folder, SafeTensors.DType dtype) throws IOException {
        Map<String, float[]> weights = new LinkedHashMap<>();
        block.parametersByHfName().forEach((name, array) -> weights.put(name, array.toFloatArray()));
        CheckpointWriter.write(folder, block.shape().toConfig(), weights, dtype, MAX_SHARD_BYTES);
    }
}
