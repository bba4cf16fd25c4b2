package dev.llmops.studio.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small random Llama checkpoints in the Hugging Face folder layout, for tests: config.json, the weights (one
 * file or two shards with an index) and a word-level tokenizer.json that the tokenizers library can load.
 */
final class RandomCheckpoint {

    static final int UNK = 0;
    static final int BOS = 1;
    static final int EOS = 2;
    private static final List<String> SPECIAL_TOKENS = List.of("<unk>", "<s>", "</s>");

    /** Small enough for the reference forward pass to take milliseconds, yet with GQA (4 heads, 2 kv heads). */
    static final LlamaConfig SMALL = LlamaConfig.of(64, 172, 2, 4, 2, 300).withTokenIds(BOS, List.of(EOS));
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RandomCheckpoint() {
    }

    /**
     * Weights scaled like a trained model's, so that activations stay around unit size and the logits are far
     * from uniform: projections with variance 1/fan_in, norm gains near 1.
     */
    static Map<String, float[]> randomWeights(LlamaConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> weights = new LinkedHashMap<>();
        config.tensorShapes().forEach((name, shape) -> {
            float[] values = new float[(int) SafeTensors.elementCount(shape)];
            boolean gain = shape.length == 1;
            double scale = gain ? 0.2 : name.equals("model.embed_tokens.weight") ? 1.0 : 1 / Math.sqrt(shape[1]);
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) ((gain ? 1 : 0) + scale * random.nextGaussian());
            }
            weights.put(name, values);
        });
        return weights;
    }

    /** Writes a complete checkpoint folder; {@code sharded} splits the weights of {@link #SMALL} into two files. */
    static void write(Path folder, LlamaConfig config, Map<String, float[]> weights, SafeTensors.DType dtype,
                      boolean sharded) throws IOException {
        long totalBytes = config.parameterCount() * dtype.bytes;
        CheckpointWriter.write(folder, config, weights, dtype, sharded ? totalBytes * 3 / 5 : Long.MAX_VALUE);
        writeTokenizer(folder, config.vocabSize());
    }

    static void writeTokenizer(Path folder, int vocabSize) throws IOException {
        ObjectNode tokenizer = JSON.createObjectNode();
        tokenizer.put("version", "1.0");
        tokenizer.putNull("truncation");
        tokenizer.putNull("padding");
        ArrayNode addedTokens = tokenizer.putArray("added_tokens");
        for (int id = 0; id < SPECIAL_TOKENS.size(); id++) {
            addedTokens.addObject()
                    .put("id", id)
                    .put("content", SPECIAL_TOKENS.get(id))
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true);
        }
        tokenizer.putNull("normalizer");
        tokenizer.putObject("pre_tokenizer").put("type", "WhitespaceSplit");
        tokenizer.putNull("post_processor");
        tokenizer.putNull("decoder");
        ObjectNode model = tokenizer.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < vocabSize; id++) {
            vocab.put(id < SPECIAL_TOKENS.size() ? SPECIAL_TOKENS.get(id) : "w" + id, id);
        }
        model.put("unk_token", SPECIAL_TOKENS.get(UNK));
        Files.writeString(folder.resolve("tokenizer.json"), JSON.writeValueAsString(tokenizer) + "\n");

        // lets transformers' AutoTokenizer wrap tokenizer.json and know the special tokens
        ObjectNode tokenizerConfig = JSON.createObjectNode();
        tokenizerConfig.put("tokenizer_class", "PreTrainedTokenizerFast");
        tokenizerConfig.put("unk_token", SPECIAL_TOKENS.get(UNK));
        tokenizerConfig.put("bos_token", SPECIAL_TOKENS.get(BOS));
        tokenizerConfig.put("eos_token", SPECIAL_TOKENS.get(EOS));
        Files.writeString(folder.resolve("tokenizer_config.json"), JSON.writeValueAsString(tokenizerConfig) + "\n");
    }
}
