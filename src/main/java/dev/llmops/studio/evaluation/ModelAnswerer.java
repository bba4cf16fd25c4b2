package dev.llmops.studio.evaluation;

import dev.llmops.studio.model.ChatTurn;
import dev.llmops.studio.model.ContinuousBatcher;
import dev.llmops.studio.model.FinishReason;
import dev.llmops.studio.model.GenerationListener;
import dev.llmops.studio.model.GenerationParams;
import dev.llmops.studio.model.ServingModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * Answers with a registered model version loaded into this process for the test, batched the way a replica
 * batches ({@link ContinuousBatcher}), so a version can be tested before (or without) deploying it. At most
 * {@link #BATCH} requests are in the batch at once; the next one joins as one leaves, so a latency is that of one
 * request rather than of waiting its turn.
 */
final class ModelAnswerer implements Answerer {

    static final int BATCH = 8;

    private final ServingModel model;

    private ModelAnswerer(ServingModel model) {
        this.model = model;
    }

    /**
     * Loads the package. The decrypted copy on disk lives only while loading: a plaintext model file left behind
     * would undo encryption at rest.
     */
    static ModelAnswerer load(InputStream decryptedPackage, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path zip = Files.createTempFile(workDir, "prompt-test-model-", ".zip");
        try {
            try (InputStream in = decryptedPackage) {
                Files.copy(in, zip, StandardCopyOption.REPLACE_EXISTING);
            }
            return new ModelAnswerer(ServingModel.load(zip, workDir));
        } finally {
            Files.deleteIfExists(zip);
        }
    }

    String description() {
        return model.description();
    }

    @Override
    public List<Answer> answer(List<List<ChatTurn>> chats, RunOptions options, TestProgress progress) {
        ContinuousBatcher batcher = new ContinuousBatcher(model, BATCH);
        Answer[] answers = new Answer[chats.size()];
        List<ContinuousBatcher.Submitted> submitted = new ArrayList<>();
        int[] inBatch = {0};
        int[] done = {0};
        int next = 0;
        // every listener call comes from step() on this thread, so plain counters do
        while (done[0] < chats.size()) {
            if (progress.cancelled()) {
                submitted.forEach(ContinuousBatcher.Submitted::cancel);
                throw new CancellationException("the prompt test was cancelled");
            }
            while (inBatch[0] < BATCH && next < chats.size()) {
                int index = next++;
                Listener listener = new Listener(answer -> {
                    answers[index] = answer;
                    inBatch[0]--;
                    done[0]++;
                    progress.answered(done[0], chats.size());
                });
                try {
                    int[] prompt = model.encodeChat(chats.get(index));
                    GenerationParams params = new GenerationParams(options.temperature(), 1.0, options.maxTokens(),
                            List.of(), EndpointAnswerer.SEED);
                    submitted.add(batcher.submit(prompt, params, listener));
                    inBatch[0]++;
                } catch (IllegalArgumentException e) {
                    answers[index] = Answer.failed(e.getMessage(), 0);
                    done[0]++;
                    progress.answered(done[0], chats.size());
                }
            }
            if (inBatch[0] > 0) {
                batcher.step();
            }
        }
        return Arrays.asList(answers);
    }

    /** One request's answer as the batcher produces it. */
    private static final class Listener implements GenerationListener {
        private final Consumer<Answer> onAnswer;
        private final Arriving arriving = new Arriving();

        Listener(Consumer<Answer> onAnswer) {
            this.onAnswer = onAnswer;
        }

        @Override
        public void onText(String delta, int completionTokens) {
            arriving.add(delta);
        }

        @Override
        public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
            onAnswer.accept(arriving.finished(promptTokens, completionTokens));
        }

        @Override
        public void onError(String message) {
            onAnswer.accept(arriving.failed(message));
        }
    }
}
