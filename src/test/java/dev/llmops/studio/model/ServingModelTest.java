package dev.llmops.studio.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.studio.model.ServingTestModels.Exchange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingModelTest {

    @TempDir
    Path dir;

    @Test
    void aTrainedPackageAnswersTheChatsItLearntGreedily() throws Exception {
        ServingModel model = ServingModel.load(ServingTestModels.trainedTinyPackage(), dir.resolve("work"));

        assertThat(model.description()).isEqualTo("llama tiny · 1.02 M parameters");
        assertThat(model.maxPositions()).isEqualTo(512);
        for (Exchange exchange : ServingTestModels.CHATS) {
            assertThat(answer(model, model.encodeChat(exchange.prompt()))).isEqualTo(exchange.assistant() + " [stop]");
        }
        assertThat(answer(model, model.encodeCompletion(ServingTestModels.STORY_START)))
                .isEqualTo(ServingTestModels.STORY_REST + " [stop]");
    }

    @Test
    void anInt8PackageLoadsAndStillAnswers() throws Exception {
        LocalTaskContext quantize = new LocalTaskContext(Map.of("scheme", "int8"),
                Map.of("model", ServingTestModels.trainedTinyPackage()), dir.resolve("quantize"), false);
        new QuantizeExecutor().execute(quantize);

        ServingModel model = ServingModel.load(quantize.outputs.get("model"), dir.resolve("work"));

        assertThat(model.description()).isEqualTo("llama tiny · 1.02 M parameters · int8");
        Exchange greeting = ServingTestModels.GREETING;
        assertThat(answer(model, model.encodeChat(greeting.prompt()))).isEqualTo(greeting.assistant() + " [stop]");
    }

    @Test
    void promptsAreEncodedAsTrainingEncodesThem() throws Exception {
        ServingModel model = ServingModel.load(ServingTestModels.randomTinyPackage(), dir.resolve("work"));
        ByteTokenizer tokenizer = new ByteTokenizer();

        assertThat(model.encodeCompletion("hé")).containsExactly(ByteTokenizer.BOS, 'h', 0xC3, 0xA9);
        List<ChatTurn> chat = List.of(new ChatTurn("system", "Be brief."), new ChatTurn("user", "Hi"),
                new ChatTurn("assistant", "Hello."), new ChatTurn("user", null));
        int[] expected = tokenizer.encodeChat(List.of(
                new ByteTokenizer.Message(ByteTokenizer.Role.SYSTEM, "Be brief."),
                new ByteTokenizer.Message(ByteTokenizer.Role.USER, "Hi"),
                new ByteTokenizer.Message(ByteTokenizer.Role.ASSISTANT, "Hello."),
                new ByteTokenizer.Message(ByteTokenizer.Role.USER, "")), true).ids();
        assertThat(model.encodeChat(chat)).containsExactly(expected);
        assertThat(expected[expected.length - 1]).isEqualTo(ByteTokenizer.ASSISTANT);
        assertThatThrownBy(() -> new ChatTurn("tool", "42")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("role must be system, user or assistant, not tool");
        assertThatThrownBy(() -> model.encodeChat(List.of())).hasMessage("a chat needs at least one message");
    }

    @Test
    void aPackageWithAnotherTokenizerIsRefused() throws Exception {
        Path folder = dir.resolve("word-level");
        RandomCheckpoint.write(folder, RandomCheckpoint.SMALL, RandomCheckpoint.randomWeights(RandomCheckpoint.SMALL,
                3), SafeTensors.DType.F32, false);
        Path upload = dir.resolve("upload.zip");
        ModelPackage.zip(folder, upload);
        Path imported = dir.resolve("imported.zip");
        HuggingFaceImport.importZip(upload, "word-level.zip", imported);

        assertThatThrownBy(() -> ServingModel.load(imported, dir.resolve("work")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the model uses the tokenizer “huggingface”; serving supports the studio's byte-level"
                        + " tokenizer only so far");
        Path notAPackage = Files.writeString(dir.resolve("notes.zip"), "not a zip");
        assertThatThrownBy(() -> ServingModel.load(notAPackage, dir.resolve("work")))
                .isInstanceOf(CheckpointFormatException.class);
    }

    @Test
    void theWorkFolderIsReusableAndKeepsNothing() throws Exception {
        Path work = dir.resolve("replica");
        ServingModel first = ServingModel.load(ServingTestModels.randomTinyPackage(), work);
        ServingModel second = ServingModel.load(ServingTestModels.randomTinyPackage(), work);

        assertThat(second.description()).isEqualTo(first.description()).isEqualTo("llama tiny · 1.02 M parameters");
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("the weights are in memory; the unzipped files are gone").isEmpty();
        }
    }

    /** The greedy answer and how it ended, e.g. "Paris. [stop]". */
    private static String answer(ServingModel model, int[] prompt) {
        StringBuilder text = new StringBuilder();
        ContinuousBatcher batcher = new ContinuousBatcher(model, 1);
        batcher.submit(prompt, new GenerationParams(0, 1, 100, List.of(), 0), new GenerationListener() {
            @Override
            public void onText(String delta, int completionTokens) {
                text.append(delta);
            }

            @Override
            public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
                text.append(" [").append(reason.openAiName()).append(']');
            }

            @Override
            public void onError(String message) {
                text.append(" [error: ").append(message).append(']');
            }
        });
        while (batcher.step() > 0) {
            // one token per step until the answer ends
        }
        return text.toString();
    }
}
