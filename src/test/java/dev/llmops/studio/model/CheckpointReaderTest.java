package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LlamaConfig CONFIG = RandomCheckpoint.SMALL;
    private static final Map<String, float[]> WEIGHTS = RandomCheckpoint.randomWeights(CONFIG, 1);

    @TempDir
    Path dir;

    @Test
    void singleFileCheckpointReadsBackConfigAndExactWeights() throws IOException {
        RandomCheckpoint.write(dir, CONFIG, WEIGHTS, SafeTensors.DType.F32, false);

        assertThat(fileNames()).containsExactlyInAnyOrder("config.json", "model.safetensors", "tokenizer.json",
                "tokenizer_config.json");
        try (CheckpointReader checkpoint = CheckpointReader.open(dir)) {
            assertThat(checkpoint.config()).isEqualTo(CONFIG);
            assertThat(checkpoint.tensors()).hasSize(CONFIG.tensorShapes().size());
            SafeTensors.TensorInfo downProj = checkpoint.tensors().get("model.layers.1.mlp.down_proj.weight");
            assertThat(downProj.dtype()).isEqualTo(SafeTensors.DType.F32);
            assertThat(downProj.shape()).containsExactly(64, 172);
            assertThat(checkpoint.readWeights()).containsExactlyEntriesOf(WEIGHTS);
        }
    }

    @Test
    void shardedCheckpointIsFoundThroughItsIndex() throws IOException {
        RandomCheckpoint.write(dir, CONFIG, WEIGHTS, SafeTensors.DType.F32, true);

        assertThat(fileNames()).contains("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "model.safetensors.index.json").doesNotContain("model.safetensors");
        JsonNode index = JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
        assertThat(index.path("metadata").path("total_size").asLong()).isEqualTo(CONFIG.parameterCount() * 4);
        assertThat(index.path("weight_map").size()).isEqualTo(CONFIG.tensorShapes().size());
        try (CheckpointReader checkpoint = CheckpointReader.open(dir)) {
            assertThat(checkpoint.fileOf("model.embed_tokens.weight").getFileName())
                    .hasToString("model-00001-of-00002.safetensors");
            assertThat(checkpoint.fileOf("lm_head.weight").getFileName())
                    .hasToString("model-00002-of-00002.safetensors");
            assertThat(checkpoint.readWeights()).containsExactlyEntriesOf(WEIGHTS);
        }
    }

    @Test
    void bfloat16ExportRecordsItsDtypeAndHoldsRoundedWeights() throws IOException {
        RandomCheckpoint.write(dir, CONFIG, WEIGHTS, SafeTensors.DType.BF16, false);

        try (CheckpointReader checkpoint = CheckpointReader.open(dir)) {
            assertThat(checkpoint.config().torchDtype()).isEqualTo("bfloat16");
            assertThat(checkpoint.tensors().get("model.norm.weight").dtype()).isEqualTo(SafeTensors.DType.BF16);
            float[] original = WEIGHTS.get("model.layers.0.self_attn.q_proj.weight");
            float[] read = checkpoint.read("model.layers.0.self_attn.q_proj.weight");
            for (int i = 0; i < original.length; i++) {
                assertThat(read[i]).isEqualTo(HalfFloats.bfloat16ToFloat(HalfFloats.floatToBfloat16(original[i])));
            }
        }
    }

    @Test
    void tiedCheckpointHasNoLmHeadAndIgnoresOneIfStored() throws IOException {
        LlamaConfig tied = CONFIG.withTieWordEmbeddings(true);
        Map<String, float[]> weights = new LinkedHashMap<>(WEIGHTS);
        weights.remove("lm_head.weight");
        RandomCheckpoint.write(dir, tied, weights, SafeTensors.DType.F32, false);

        try (CheckpointReader checkpoint = CheckpointReader.open(dir)) {
            assertThat(checkpoint.tensors()).doesNotContainKey("lm_head.weight");
            assertThat(checkpoint.readWeights()).containsExactlyEntriesOf(weights);
        }

        // some exporters store the shared matrix twice; transformers then ignores lm_head, and so do we
        Path both = Files.createDirectory(dir.resolve("both"));
        RandomCheckpoint.write(both, CONFIG, WEIGHTS, SafeTensors.DType.F32, false);
        tied.write(both.resolve("config.json"));
        try (CheckpointReader checkpoint = CheckpointReader.open(both)) {
            assertThat(checkpoint.readWeights()).doesNotContainKey("lm_head.weight");
        }
    }

    @Test
    void tokenizerIsAValidWordLevelTokenizerCoveringTheVocabulary() throws IOException {
        RandomCheckpoint.write(dir, CONFIG, WEIGHTS, SafeTensors.DType.F32, false);

        JsonNode tokenizer = JSON.readTree(dir.resolve("tokenizer.json").toFile());
        assertThat(tokenizer.path("version").asText()).isEqualTo("1.0");
        for (String key : List.of("truncation", "padding", "normalizer", "post_processor", "decoder")) {
            assertThat(tokenizer.has(key)).as(key).isTrue();
        }
        JsonNode model = tokenizer.path("model");
        assertThat(model.path("type").asText()).isEqualTo("WordLevel");
        assertThat(model.path("unk_token").asText()).isEqualTo("<unk>");
        Set<Integer> ids = new HashSet<>();
        model.path("vocab").forEach(id -> ids.add(id.asInt()));
        assertThat(ids).hasSize(CONFIG.vocabSize()).allMatch(id -> id >= 0 && id < CONFIG.vocabSize());
        assertThat(model.path("vocab").path("<s>").asInt()).isEqualTo(CONFIG.bosTokenId());
        assertThat(model.path("vocab").path("</s>").asInt()).isEqualTo(CONFIG.eosTokenIds().get(0));
        JsonNode bos = tokenizer.path("added_tokens").get(RandomCheckpoint.BOS);
        assertThat(bos.path("content").asText()).isEqualTo("<s>");
        assertThat(bos.path("special").asBoolean()).isTrue();
    }

    @Test
    void brokenIndexesFailNamingTheTensorAndShard() throws IOException {
        RandomCheckpoint.write(dir, CONFIG, WEIGHTS, SafeTensors.DType.F32, true);
        Path indexFile = dir.resolve("model.safetensors.index.json");
        ObjectNode index = (ObjectNode) JSON.readTree(indexFile.toFile());
        ObjectNode weightMap = (ObjectNode) index.path("weight_map");

        weightMap.put("model.norm.weight", "model-00001-of-00002.safetensors");
        JSON.writeValue(indexFile.toFile(), index);
        assertOpenFails("maps model.norm.weight to model-00001-of-00002.safetensors, which does not contain it");

        weightMap.put("model.norm.weight", "../elsewhere.safetensors");
        JSON.writeValue(indexFile.toFile(), index);
        assertOpenFails("maps model.norm.weight to '../elsewhere.safetensors', which is not a file name in the"
                + " checkpoint folder");

        weightMap.put("model.norm.weight", "model-00003-of-00002.safetensors");
        JSON.writeValue(indexFile.toFile(), index);
        assertOpenFails("maps model.norm.weight to model-00003-of-00002.safetensors, which is missing");

        weightMap.remove("model.norm.weight");
        JSON.writeValue(indexFile.toFile(), index);
        try (CheckpointReader checkpoint = CheckpointReader.open(dir)) {
            assertThatThrownBy(checkpoint::readWeights).isInstanceOf(CheckpointFormatException.class)
                    .hasMessage(dir + ": tensor model.norm.weight is missing");
        }
    }

    @Test
    void weightsThatDoNotMatchTheConfigAreRefusedBeforeLoading() throws IOException {
        RandomCheckpoint.write(dir, CONFIG, WEIGHTS, SafeTensors.DType.F32, false);

        CONFIG.withNumKeyValueHeads(4).write(dir.resolve("config.json"));
        try (CheckpointReader checkpoint = CheckpointReader.open(dir)) {
            assertThatThrownBy(checkpoint::readWeights).isInstanceOf(CheckpointFormatException.class)
                    .hasMessage(dir + ": tensor model.layers.0.self_attn.k_proj.weight has shape [32, 64] but"
                            + " config.json implies [64, 64]");
        }

        LlamaConfig oneLayer = new LlamaConfig(64, 172, 1, 4, 2, 300, 1e-6, 10000, 2048, false, 16, null, null,
                null, null);
        oneLayer.write(dir.resolve("config.json"));
        try (CheckpointReader checkpoint = CheckpointReader.open(dir)) {
            assertThatThrownBy(checkpoint::readWeights).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("unexpected tensor model.layers.1.");
        }
    }

    @Test
    void foldersWithoutConfigOrWeightsAreRefused() throws IOException {
        assertThatThrownBy(() -> CheckpointReader.open(dir)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("config.json is missing");

        CONFIG.write(dir.resolve("config.json"));
        assertThatThrownBy(() -> CheckpointReader.open(dir)).isInstanceOf(CheckpointFormatException.class)
                .hasMessage(dir + " has neither model.safetensors nor model.safetensors.index.json");
    }

    @Test
    void exportRefusesAFolderThatAlreadyHoldsWeights() throws IOException {
        RandomCheckpoint.write(dir, CONFIG, WEIGHTS, SafeTensors.DType.F32, false);

        assertThatThrownBy(() -> CheckpointWriter.write(dir, CONFIG, WEIGHTS, SafeTensors.DType.F32, Long.MAX_VALUE))
                .hasMessageContaining("already holds weights [model.safetensors]");
        Map<String, float[]> incomplete = new LinkedHashMap<>(WEIGHTS);
        incomplete.remove("model.norm.weight");
        assertThatThrownBy(() -> CheckpointWriter.write(dir.resolve("other"), CONFIG, incomplete,
                SafeTensors.DType.F32, Long.MAX_VALUE))
                .hasMessage("weights do not match the config: missing [model.norm.weight], unexpected []");
    }

    private void assertOpenFails(String message) {
        assertThatThrownBy(() -> CheckpointReader.open(dir).close())
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining(message);
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
