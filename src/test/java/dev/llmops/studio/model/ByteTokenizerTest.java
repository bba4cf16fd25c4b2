package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.model.ByteTokenizer.Encoded;
import dev.llmops.studio.model.ByteTokenizer.Message;
import dev.llmops.studio.model.ByteTokenizer.Role;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteTokenizerTest {

    private final ByteTokenizer tokenizer = new ByteTokenizer();

    @Test
    void theExportedTokenizerJsonGivesTheSameIdsInHuggingFaceTokenizers(@TempDir Path folder) throws Exception {
        ByteTokenizer.writeHuggingFaceFiles(folder);
        String text = "Grüße, 世界 👋\n\ttabs and  double spaces\u0000!";

        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(folder,
                Map.of("addSpecialTokens", "false"))) {
            Encoding encoding = hf.encode(text);
            long[] expected = Arrays.stream(tokenizer.encode(text)).asLongStream().toArray();

            assertThat(encoding.getIds()).containsExactly(expected);
            assertThat(hf.decode(expected)).isEqualTo(text);
            assertThat(hf.encode("<|user|>Hi</s>").getIds()).containsExactly(260L, 72L, 105L, 257L);
        }
    }

    @Test
    void everyUtf8ByteIsOneIdAndTextRoundTrips() {
        String text = "Grüße, 世界 👋\n";
        int[] ids = tokenizer.encode(text);

        assertThat(ids).hasSize(text.getBytes(StandardCharsets.UTF_8).length);
        assertThat(Arrays.stream(ids).allMatch(id -> id >= 0 && id < 256)).isTrue();
        assertThat(tokenizer.encode("A")).containsExactly(65);
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
    }

    @Test
    void decodeLeavesSpecialsOutAndReplacesCutCharacters() {
        int[] euro = tokenizer.encode("€");

        assertThat(tokenizer.decode(new int[] {ByteTokenizer.BOS, 104, 105, ByteTokenizer.EOS, ByteTokenizer.PAD}))
                .isEqualTo("hi");
        assertThat(tokenizer.decode(new int[] {euro[0], euro[1]})).isEqualTo("\uFFFD");
        assertThatThrownBy(() -> tokenizer.decode(new int[] {ByteTokenizer.VOCAB_SIZE}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void chatTemplateMarksOnlyAssistantRepliesAsResponse() {
        Encoded encoded = tokenizer.encodeChat(List.of(
                new Message(Role.SYSTEM, "be brief"),
                new Message(Role.USER, "hi"),
                new Message(Role.ASSISTANT, "ok")), false);

        int[] expected = concat(new int[] {ByteTokenizer.BOS, ByteTokenizer.SYSTEM}, tokenizer.encode("be brief"),
                new int[] {ByteTokenizer.EOS, ByteTokenizer.USER}, tokenizer.encode("hi"),
                new int[] {ByteTokenizer.EOS, ByteTokenizer.ASSISTANT}, tokenizer.encode("ok"),
                new int[] {ByteTokenizer.EOS});
        assertThat(encoded.ids()).containsExactly(expected);
        int replyStart = expected.length - 3;
        for (int i = 0; i < expected.length; i++) {
            assertThat(encoded.response()[i]).as("position %d", i).isEqualTo(i >= replyStart);
        }
    }

    @Test
    void generationPromptEndsWithTheAssistantMarker() {
        Encoded encoded = tokenizer.encodeChat(List.of(new Message(Role.USER, "hi")), true);

        assertThat(encoded.ids()).containsExactly(ByteTokenizer.BOS, ByteTokenizer.USER, 104, 105,
                ByteTokenizer.EOS, ByteTokenizer.ASSISTANT);
        assertThat(encoded.response()).containsOnly(false);
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
