package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** TinyLlama-1.1B's config.json as published, keys transformers adds included. */
    private static final String TINY_LLAMA = """
            {
              "architectures": ["LlamaForCausalLM"],
              "attention_bias": false,
              "bos_token_id": 1,
              "eos_token_id": 2,
              "hidden_act": "silu",
              "hidden_size": 2048,
              "initializer_range": 0.02,
              "intermediate_size": 5632,
              "max_position_embeddings": 2048,
              "model_type": "llama",
              "num_attention_heads": 32,
              "num_hidden_layers": 22,
              "num_key_value_heads": 4,
              "pretraining_tp": 1,
              "rms_norm_eps": 1e-05,
              "rope_scaling": null,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "transformers_version": "4.35.0",
              "use_cache": true,
              "vocab_size": 32000
            }
            """;

    @TempDir
    Path dir;

    @Test
    void readsAPublishedConfigIgnoringKeysThatDoNotChangeTheModel() throws IOException {
        LlamaConfig config = LlamaConfig.fromJson(JSON.readTree(TINY_LLAMA));

        assertThat(config).isEqualTo(new LlamaConfig(2048, 5632, 22, 32, 4, 32000, 1e-5, 10000.0, 2048, false, 64,
                1, List.of(2), "bfloat16", List.of("LlamaForCausalLM")));
        // the published parameter count of TinyLlama-1.1B
        assertThat(config.parameterCount()).isEqualTo(1_100_048_384L);
    }

    @Test
    void leftOutKeysTakeHuggingFaceDefaults() throws IOException {
        LlamaConfig config = LlamaConfig.fromJson(JSON.readTree("""
                {"hidden_size": 64, "intermediate_size": 172, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "vocab_size": 300}
                """));

        assertThat(config.numKeyValueHeads()).isEqualTo(4);
        assertThat(config.headDim()).isEqualTo(16);
        assertThat(config.ropeTheta()).isEqualTo(10000.0);
        assertThat(config.rmsNormEps()).isEqualTo(1e-6);
        assertThat(config.maxPositionEmbeddings()).isEqualTo(2048);
        assertThat(config.tieWordEmbeddings()).isFalse();
        assertThat(config.bosTokenId()).isNull();
        assertThat(config.eosTokenIds()).isEmpty();
        assertThat(config.architectures()).containsExactly("LlamaForCausalLM");
    }

    @Test
    void readsLlama3StyleEosListsExplicitHeadDimAndTheNewDtypeKey() throws IOException {
        LlamaConfig config = LlamaConfig.fromJson(JSON.readTree("""
                {"hidden_size": 96, "intermediate_size": 256, "num_hidden_layers": 1, "num_attention_heads": 4,
                 "num_key_value_heads": 1, "head_dim": 32, "vocab_size": 300, "rope_theta": 500000.0,
                 "tie_word_embeddings": true, "eos_token_id": [2, 7, 9], "dtype": "float16"}
                """));

        assertThat(config.headDim()).isEqualTo(32);
        assertThat(config.eosTokenIds()).containsExactly(2, 7, 9);
        assertThat(config.torchDtype()).isEqualTo("float16");
        assertThat(config.tensorShapes().get("model.layers.0.self_attn.q_proj.weight")).containsExactly(128, 96);
        assertThat(config.tensorShapes().get("model.layers.0.self_attn.o_proj.weight")).containsExactly(96, 128);
    }

    @Test
    void writesHuggingFaceKeysAndReadsBackTheSameConfig() throws IOException {
        LlamaConfig config = new LlamaConfig(96, 256, 3, 6, 2, 1000, 1e-5, 500000.0, 4096, true, 16, 1,
                List.of(2, 5), "bfloat16", List.of("LlamaForCausalLM"));
        Path file = dir.resolve("config.json");

        config.write(file);

        JsonNode json = JSON.readTree(Files.readString(file));
        assertThat(json.path("model_type").asText()).isEqualTo("llama");
        assertThat(json.path("num_key_value_heads").asInt()).isEqualTo(2);
        assertThat(json.path("tie_word_embeddings").asBoolean()).isTrue();
        assertThat(json.path("eos_token_id").isArray()).isTrue();
        assertThat(LlamaConfig.read(file)).isEqualTo(config);
    }

    @Test
    void listsEveryTensorInHuggingFaceNamingWithItsShape() {
        LlamaConfig config = RandomCheckpoint.SMALL;

        assertThat(config.tensorShapes()).hasSize(1 + 2 * 9 + 2);
        assertThat(config.tensorShapes()).containsEntry("model.embed_tokens.weight", new int[] {300, 64})
                .containsEntry("model.layers.1.input_layernorm.weight", new int[] {64})
                .containsEntry("model.layers.1.self_attn.q_proj.weight", new int[] {64, 64})
                .containsEntry("model.layers.1.self_attn.k_proj.weight", new int[] {32, 64})
                .containsEntry("model.layers.1.self_attn.v_proj.weight", new int[] {32, 64})
                .containsEntry("model.layers.1.self_attn.o_proj.weight", new int[] {64, 64})
                .containsEntry("model.layers.1.post_attention_layernorm.weight", new int[] {64})
                .containsEntry("model.layers.1.mlp.gate_proj.weight", new int[] {172, 64})
                .containsEntry("model.layers.1.mlp.up_proj.weight", new int[] {172, 64})
                .containsEntry("model.layers.1.mlp.down_proj.weight", new int[] {64, 172})
                .containsEntry("model.norm.weight", new int[] {64})
                .containsEntry("lm_head.weight", new int[] {300, 64});
        assertThat(config.withTieWordEmbeddings(true).tensorShapes()).doesNotContainKey("lm_head.weight");
        assertThat(config.parameterCount() - config.withTieWordEmbeddings(true).parameterCount())
                .isEqualTo(300 * 64);
    }

    @Test
    void refusesInconsistentSizesWithMessagesNamingTheKeys() {
        assertThatThrownBy(() -> LlamaConfig.of(100, 172, 2, 3, 3, 300))
                .hasMessage("num_attention_heads (3) must divide hidden_size (100) unless head_dim is given");
        assertThatThrownBy(() -> LlamaConfig.of(64, 172, 2, 4, 3, 300))
                .hasMessage("num_key_value_heads (3) must divide num_attention_heads (4)");
        assertThatThrownBy(() -> LlamaConfig.of(60, 172, 2, 4, 4, 300))
                .hasMessageContaining("head_dim (15) must be even");
        assertThatThrownBy(() -> LlamaConfig.of(64, 0, 2, 4, 4, 300))
                .hasMessage("intermediate_size must be positive, got 0");
        assertThatThrownBy(() -> RandomCheckpoint.SMALL.withTokenIds(300, List.of()))
                .hasMessage("bos_token_id 300 is outside the vocabulary of 300");
    }

    @Test
    void refusesConfigsThatWouldComputeSomethingElse() {
        String sizes = "\"hidden_size\": 64, \"intermediate_size\": 172, \"num_hidden_layers\": 2,"
                + " \"num_attention_heads\": 4, \"vocab_size\": 300";
        assertThatThrownBy(() -> LlamaConfig.fromJson(JSON.readTree("{" + sizes + ", \"model_type\": \"mistral\"}")))
                .hasMessageContaining("model_type is 'mistral'");
        assertThatThrownBy(() -> LlamaConfig.fromJson(JSON.readTree("{" + sizes
                + ", \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0}}")))
                .hasMessageContaining("rope_scaling").hasMessageContaining("not supported");
        assertThatThrownBy(() -> LlamaConfig.fromJson(JSON.readTree("{" + sizes + ", \"attention_bias\": true}")))
                .hasMessageContaining("attention_bias is true");
        assertThatThrownBy(() -> LlamaConfig.fromJson(JSON.readTree("{" + sizes + ", \"hidden_act\": \"gelu\"}")))
                .hasMessageContaining("hidden_act is 'gelu'");
        assertThatThrownBy(() -> LlamaConfig.fromJson(JSON.readTree("{" + sizes.replace("64", "\"64\"") + "}")))
                .hasMessage("hidden_size must be an integer, got \"64\"");
        assertThatThrownBy(() -> LlamaConfig.fromJson(JSON.readTree("{\"hidden_size\": 64}")))
                .hasMessage("num_attention_heads is missing");
    }

    @Test
    void aBadFileFailsWithItsName() throws IOException {
        Path file = dir.resolve("config.json");
        assertThatThrownBy(() -> LlamaConfig.read(file))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining(file + " is missing");

        Files.writeString(file, "{\"hidden_size\": 64,");
        assertThatThrownBy(() -> LlamaConfig.read(file))
                .isInstanceOf(CheckpointFormatException.class).hasMessageContaining(file + " is not valid JSON");

        Files.writeString(file, "{\"hidden_size\": 64, \"num_attention_heads\": 4}");
        assertThatThrownBy(() -> LlamaConfig.read(file))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessage(file + ": intermediate_size is missing");
    }
}
