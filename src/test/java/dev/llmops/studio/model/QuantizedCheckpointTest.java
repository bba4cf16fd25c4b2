package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quantized checkpoints written by {@link CheckpointWriter} and read back dequantized by {@link CheckpointReader}. */
class QuantizedCheckpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Untied (so lm_head is quantized too), hidden 64 and intermediate 172: a last group shorter than the others. */
    private static final LlamaConfig CONFIG = RandomCheckpoint.SMALL;
    private static final Map<String, float[]> WEIGHTS = RandomCheckpoint.randomWeights(CONFIG, 3);

    @TempDir
    Path dir;

    @Test
    void everySchemeStoresTheLayoutItsConfigDescribesAndReadsBackWithinHalfAStep() throws IOException {
        for (WeightQuantization scheme : List.of(WeightQuantization.int8(), WeightQuantization.int4(32, true),
                WeightQuantization.int4(64, false), WeightQuantization.int4(128, false))) {
            Path folder = dir.resolve(scheme.scheme() + "-" + scheme.groupSize() + "-" + scheme.symmetric());
            CheckpointWriter.writeQuantized(folder, CONFIG, WEIGHTS, scheme, Long.MAX_VALUE);

            JsonNode config = JSON.readTree(folder.resolve("config.json").toFile());
            assertThat(config.path("quantization_config")).isEqualTo(scheme.toConfig());
            assertThat(config.path("torch_dtype").asText()).isEqualTo("float32");
            try (CheckpointReader checkpoint = CheckpointReader.open(folder)) {
                assertThat(checkpoint.quantization()).isEqualTo(scheme);
                assertThat(checkpoint.config()).isEqualTo(CONFIG);
                Map<String, SafeTensors.TensorInfo> stored = checkpoint.tensors();
                SafeTensors.TensorInfo down = stored.get("model.layers.1.mlp.down_proj.weight");
                SafeTensors.TensorInfo downScale = stored.get("model.layers.1.mlp.down_proj.weight_scale");
                if (scheme.bits() == 8) {
                    assertThat(down.dtype()).isEqualTo(SafeTensors.DType.I8);
                    assertThat(down.shape()).containsExactly(64, 172);
                    assertThat(downScale.shape()).containsExactly(64);
                } else {
                    assertThat(down.dtype()).isEqualTo(SafeTensors.DType.U8);
                    assertThat(down.shape()).containsExactly(64, 86);
                    assertThat(downScale.shape())
                            .containsExactly(64, (172 + scheme.groupSize() - 1) / scheme.groupSize());
                }
                assertThat(downScale.dtype()).isEqualTo(SafeTensors.DType.F32);
                assertThat(stored.containsKey("model.layers.1.mlp.down_proj.weight_zero_point"))
                        .isEqualTo(!scheme.symmetric());
                assertThat(stored.get("model.norm.weight").dtype()).as("norm gains stay float")
                        .isEqualTo(SafeTensors.DType.F32);
                assertThat(stored.get("lm_head.weight").dtype()).isNotEqualTo(SafeTensors.DType.F32);

                Map<String, float[]> weights = checkpoint.readWeights();
                assertThat(weights.keySet()).containsExactlyElementsOf(CONFIG.tensorShapes().keySet());
                for (Map.Entry<String, int[]> entry : CONFIG.tensorShapes().entrySet()) {
                    String name = entry.getKey();
                    float[] original = WEIGHTS.get(name);
                    float[] restored = weights.get(name);
                    if (entry.getValue().length == 1) {
                        assertThat(restored).as(name).containsExactly(original);
                        continue;
                    }
                    float[] scales = scalesOf(scheme, original, entry.getValue());
                    int columns = entry.getValue()[1];
                    int groupLength = scheme.groupLength(columns);
                    int groups = scheme.groupsPerRow(columns);
                    for (int i = 0; i < original.length; i++) {
                        float scale = scales[(i / columns) * groups + (i % columns) / groupLength];
                        assertThat((double) Math.abs(original[i] - restored[i])).as("%s %s [%d]", scheme, name, i)
                                .isLessThanOrEqualTo(scale / 2 * (1 + 1e-6));
                    }
                    assertThat(checkpoint.read(name)).as("one tensor reads as readWeights gives it")
                            .containsExactly(restored);
                }
            }
        }
    }

    @Test
    void shardsKeepEachWeightBesideItsScalesAndLoadIntoTheModel() throws IOException {
        long int4Bytes = CONFIG.parameterCount() / 2;
        CheckpointWriter.writeQuantized(dir, CONFIG, WEIGHTS, WeightQuantization.int4(64, false), int4Bytes / 3);

        JsonNode weightMap = JSON.readTree(dir.resolve("model.safetensors.index.json").toFile()).path("weight_map");
        assertThat(weightMap.path("model.layers.1.self_attn.q_proj.weight_scale").asText())
                .isEqualTo(weightMap.path("model.layers.1.self_attn.q_proj.weight").asText());
        assertThat(weightMap.path("model.layers.1.self_attn.q_proj.weight_zero_point").asText())
                .isEqualTo(weightMap.path("model.layers.1.self_attn.q_proj.weight").asText());
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".safetensors")).count()).isGreaterThan(2);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaBlock block = HuggingFaceFolders.importFolder(dir, manager);
            assertThat(block.parameterCount()).isEqualTo(CONFIG.parameterCount());
        }
    }

    @Test
    void aQuantizedCheckpointMissingItsScalesOrWithForeignQuantizationIsRefused() throws IOException {
        Path folder = dir.resolve("int8");
        CheckpointWriter.writeQuantized(folder, CONFIG, WEIGHTS, WeightQuantization.int8(), Long.MAX_VALUE);
        ObjectNode config = (ObjectNode) JSON.readTree(folder.resolve("config.json").toFile());

        config.set("quantization_config",
                JSON.readTree("{\"quant_method\": \"gptq\", \"bits\": 4, \"group_size\": 128}"));
        Files.writeString(folder.resolve("config.json"), config.toString());
        assertThatThrownBy(() -> CheckpointReader.open(folder)).isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("quant_method 'gptq'");

        config.set("quantization_config", WeightQuantization.int4(64, false).toConfig());
        Files.writeString(folder.resolve("config.json"), config.toString());
        try (CheckpointReader checkpoint = CheckpointReader.open(folder)) {
            assertThatThrownBy(checkpoint::readWeights).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("model.embed_tokens.weight is I8 [300, 64] but int4 asymmetric, group"
                            + " size 64 stores it as U8 [300, 32]");
        }

        config.remove("quantization_config");
        Files.writeString(folder.resolve("config.json"), config.toString());
        try (CheckpointReader checkpoint = CheckpointReader.open(folder)) {
            assertThatThrownBy(checkpoint::readWeights).isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("unexpected tensor model.embed_tokens.weight_scale");
        }
    }

    /** The scales the writer computed, recomputed the same way (quantization is deterministic). */
    private static float[] scalesOf(WeightQuantization scheme, float[] weights, int[] shape) {
        return scheme.quantize(weights, shape[0], shape[1]).scales();
    }
}
