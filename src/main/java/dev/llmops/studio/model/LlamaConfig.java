package dev.llmops.studio.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a decoder-only Llama model, as Hugging Face's {@code LlamaConfig} describes it in
 * {@code config.json}. Only what changes the computation or the tensor layout is kept; other keys are ignored
 * on read, but keys that would change the computation in ways this engine does not implement (rope scaling,
 * biases, another activation) are refused rather than silently giving different logits.
 *
 * @param eosTokenIds one id in most configs; Llama 3 lists several
 * @param torchDtype  the dtype the weights were saved in, e.g. "bfloat16"; informational, may be null
 */
record LlamaConfig(
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int vocabSize,
        double rmsNormEps,
        double ropeTheta,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        int headDim,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        String torchDtype,
        List<String> architectures) {

    static final String FILE_NAME = "config.json";
    static final String MODEL_TYPE = "llama";
    static final List<String> ARCHITECTURES = List.of("LlamaForCausalLM");
    /** Hugging Face's defaults for keys a config may leave out. */
    static final double DEFAULT_ROPE_THETA = 10000.0;
    static final double DEFAULT_RMS_NORM_EPS = 1e-6;
    static final int DEFAULT_MAX_POSITION_EMBEDDINGS = 2048;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    LlamaConfig {
        requirePositive("hidden_size", hiddenSize);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("num_hidden_layers", numHiddenLayers);
        requirePositive("num_attention_heads", numAttentionHeads);
        requirePositive("num_key_value_heads", numKeyValueHeads);
        requirePositive("vocab_size", vocabSize);
        requirePositive("max_position_embeddings", maxPositionEmbeddings);
        requirePositive("head_dim", headDim);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("num_key_value_heads (" + numKeyValueHeads
                    + ") must divide num_attention_heads (" + numAttentionHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim (" + headDim
                    + ") must be even: rotary embeddings rotate pairs of dimensions");
        }
        if (!(rmsNormEps > 0) || !Double.isFinite(rmsNormEps)) {
            throw new IllegalArgumentException("rms_norm_eps must be a positive number, got " + rmsNormEps);
        }
        if (!(ropeTheta > 0) || !Double.isFinite(ropeTheta)) {
            throw new IllegalArgumentException("rope_theta must be a positive number, got " + ropeTheta);
        }
        if (bosTokenId != null) {
            requireTokenId("bos_token_id", bosTokenId, vocabSize);
        }
        eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
        for (int eos : eosTokenIds) {
            requireTokenId("eos_token_id", eos, vocabSize);
        }
        architectures = architectures == null ? ARCHITECTURES : List.copyOf(architectures);
    }

    /** A config with Hugging Face's defaults for everything but the sizes. */
    static LlamaConfig of(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
                          int numKeyValueHeads, int vocabSize) {
        return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
                vocabSize, DEFAULT_RMS_NORM_EPS, DEFAULT_ROPE_THETA, DEFAULT_MAX_POSITION_EMBEDDINGS, false,
                defaultHeadDim(hiddenSize, numAttentionHeads), null, List.of(), "float32", ARCHITECTURES);
    }

    LlamaConfig withTieWordEmbeddings(boolean tie) {
        return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
                vocabSize, rmsNormEps, ropeTheta, maxPositionEmbeddings, tie, headDim, bosTokenId, eosTokenIds,
                torchDtype, architectures);
    }

    LlamaConfig withNumKeyValueHeads(int kvHeads) {
        return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, kvHeads,
                vocabSize, rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, headDim, bosTokenId,
                eosTokenIds, torchDtype, architectures);
    }

    LlamaConfig withTokenIds(Integer bos, List<Integer> eos) {
        return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
                vocabSize, rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, headDim, bos, eos,
                torchDtype, architectures);
    }

    LlamaConfig withTorchDtype(String dtype) {
        return new LlamaConfig(hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads,
                vocabSize, rmsNormEps, ropeTheta, maxPositionEmbeddings, tieWordEmbeddings, headDim, bosTokenId,
                eosTokenIds, dtype, architectures);
    }

    int queryHeadsPerKeyValueHead() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /**
     * Every weight tensor in Hugging Face naming with its shape ([out, in] for projections), in the order
     * transformers lists them. {@code lm_head.weight} is absent when the embeddings are tied.
     */
    Map<String, int[]> tensorShapes() {
        int queryWidth = numAttentionHeads * headDim;
        int keyValueWidth = numKeyValueHeads * headDim;
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("model.embed_tokens.weight", new int[] {vocabSize, hiddenSize});
        for (int layer = 0; layer < numHiddenLayers; layer++) {
            String prefix = "model.layers." + layer + ".";
            shapes.put(prefix + "self_attn.q_proj.weight", new int[] {queryWidth, hiddenSize});
            shapes.put(prefix + "self_attn.k_proj.weight", new int[] {keyValueWidth, hiddenSize});
            shapes.put(prefix + "self_attn.v_proj.weight", new int[] {keyValueWidth, hiddenSize});
            shapes.put(prefix + "self_attn.o_proj.weight", new int[] {hiddenSize, queryWidth});
            shapes.put(prefix + "mlp.gate_proj.weight", new int[] {intermediateSize, hiddenSize});
            shapes.put(prefix + "mlp.up_proj.weight", new int[] {intermediateSize, hiddenSize});
            shapes.put(prefix + "mlp.down_proj.weight", new int[] {hiddenSize, intermediateSize});
            shapes.put(prefix + "input_layernorm.weight", new int[] {hiddenSize});
            shapes.put(prefix + "post_attention_layernorm.weight", new int[] {hiddenSize});
        }
        shapes.put("model.norm.weight", new int[] {hiddenSize});
        if (!tieWordEmbeddings) {
            shapes.put("lm_head.weight", new int[] {vocabSize, hiddenSize});
        }
        return shapes;
    }

    long parameterCount() {
        return tensorShapes().values().stream().mapToLong(SafeTensors::elementCount).sum();
    }

    static LlamaConfig read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointFormatException(file + " is missing; a Hugging Face checkpoint needs it", e);
        }
        try {
            return fromJson(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file + ": " + e.getMessage(), e);
        }
    }

    static LlamaConfig fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("config is not a JSON object");
        }
        String modelType = json.path("model_type").asText(MODEL_TYPE);
        if (!modelType.equals(MODEL_TYPE)) {
            throw new IllegalArgumentException("model_type is '" + modelType + "'; only '" + MODEL_TYPE
                    + "' checkpoints are supported");
        }
        String activation = json.path("hidden_act").asText("silu");
        if (!activation.equals("silu")) {
            throw new IllegalArgumentException("hidden_act is '" + activation + "'; Llama models use 'silu'");
        }
        for (String bias : List.of("attention_bias", "mlp_bias")) {
            if (json.path(bias).asBoolean(false)) {
                throw new IllegalArgumentException(bias + " is true; biases are not supported");
            }
        }
        if (!json.path("rope_scaling").isMissingNode() && !json.path("rope_scaling").isNull()) {
            throw new IllegalArgumentException("rope_scaling " + json.path("rope_scaling")
                    + " is not supported; only plain rotary embeddings are");
        }
        int hiddenSize = requiredInt(json, "hidden_size");
        int heads = requiredInt(json, "num_attention_heads");
        JsonNode headDimNode = json.path("head_dim");
        int headDim;
        if (headDimNode.isMissingNode() || headDimNode.isNull()) {
            headDim = defaultHeadDim(hiddenSize, heads);
        } else {
            headDim = requiredInt(json, "head_dim");
        }
        // transformers 4.56 renamed torch_dtype to dtype
        JsonNode dtype = json.hasNonNull("torch_dtype") ? json.get("torch_dtype") : json.path("dtype");
        return new LlamaConfig(
                hiddenSize,
                requiredInt(json, "intermediate_size"),
                requiredInt(json, "num_hidden_layers"),
                heads,
                json.hasNonNull("num_key_value_heads") ? requiredInt(json, "num_key_value_heads") : heads,
                requiredInt(json, "vocab_size"),
                json.hasNonNull("rms_norm_eps") ? requiredNumber(json, "rms_norm_eps") : DEFAULT_RMS_NORM_EPS,
                json.hasNonNull("rope_theta") ? requiredNumber(json, "rope_theta") : DEFAULT_ROPE_THETA,
                json.hasNonNull("max_position_embeddings")
                        ? requiredInt(json, "max_position_embeddings") : DEFAULT_MAX_POSITION_EMBEDDINGS,
                json.path("tie_word_embeddings").asBoolean(false),
                headDim,
                json.hasNonNull("bos_token_id") ? requiredInt(json, "bos_token_id") : null,
                eosTokenIds(json.path("eos_token_id")),
                dtype.isTextual() ? dtype.asText() : null,
                architectures(json.path("architectures")));
    }

    /** Keys sorted as transformers writes them. */
    private ObjectNode toJson() {
        ObjectNode json = JSON.createObjectNode();
        ArrayNode architectureNames = json.putArray("architectures");
        architectures.forEach(architectureNames::add);
        json.put("attention_bias", false);
        if (bosTokenId != null) {
            json.put("bos_token_id", bosTokenId);
        }
        if (eosTokenIds.size() == 1) {
            json.put("eos_token_id", eosTokenIds.get(0));
        } else if (!eosTokenIds.isEmpty()) {
            ArrayNode eos = json.putArray("eos_token_id");
            eosTokenIds.forEach(eos::add);
        }
        json.put("head_dim", headDim);
        json.put("hidden_act", "silu");
        json.put("hidden_size", hiddenSize);
        json.put("intermediate_size", intermediateSize);
        json.put("max_position_embeddings", maxPositionEmbeddings);
        json.put("mlp_bias", false);
        json.put("model_type", MODEL_TYPE);
        json.put("num_attention_heads", numAttentionHeads);
        json.put("num_hidden_layers", numHiddenLayers);
        json.put("num_key_value_heads", numKeyValueHeads);
        json.put("rms_norm_eps", rmsNormEps);
        json.putNull("rope_scaling");
        json.put("rope_theta", ropeTheta);
        json.put("tie_word_embeddings", tieWordEmbeddings);
        if (torchDtype != null) {
            json.put("torch_dtype", torchDtype);
        }
        json.put("vocab_size", vocabSize);
        return json;
    }

    void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(toJson()) + "\n");
    }

    private static int defaultHeadDim(int hiddenSize, int heads) {
        requirePositive("num_attention_heads", heads);
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + heads + ") must divide hidden_size ("
                    + hiddenSize + ") unless head_dim is given");
        }
        return hiddenSize / heads;
    }

    private static int requiredInt(JsonNode json, String key) {
        JsonNode value = json.path(key);
        if (value.isMissingNode() || value.isNull()) {
            throw new IllegalArgumentException(key + " is missing");
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(key + " must be an integer, got " + value);
        }
        return value.intValue();
    }

    private static double requiredNumber(JsonNode json, String key) {
        JsonNode value = json.path(key);
        if (!value.isNumber()) {
            throw new IllegalArgumentException(key + " must be a number, got " + value);
        }
        return value.doubleValue();
    }

    private static List<Integer> eosTokenIds(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        Iterable<JsonNode> items = node.isArray() ? node : List.of(node);
        for (JsonNode id : items) {
            if (!id.isIntegralNumber() || !id.canConvertToInt()) {
                throw new IllegalArgumentException("eos_token_id must be an integer or a list of them, got " + node);
            }
            ids.add(id.intValue());
        }
        return ids;
    }

    private static List<String> architectures(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return ARCHITECTURES;
        }
        List<String> names = new ArrayList<>();
        node.forEach(name -> names.add(name.asText()));
        return names;
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    private static void requireTokenId(String key, int id, int vocabSize) {
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException(key + " " + id + " is outside the vocabulary of " + vocabSize);
        }
    }
}
