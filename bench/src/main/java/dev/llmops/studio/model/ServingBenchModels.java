package dev.llmops.studio.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Model packages and the in-process serving path for the serving benchmark (package-private model API). */
public final class ServingBenchModels {

    private ServingBenchModels() {
    }

    /**
     * A package of the preset ("tiny" or "small") with seeded random weights whose output rows are zero except
     * for printable ASCII: it writes text (a random model left alone may repeat a special token, which shows no
     * text) and never says EOS, so every answer streams and runs to max_tokens.
     */
    public static Path randomPackage(String preset, Path folder) throws IOException {
        Path target = folder.resolve(preset + "-random-text.zip");
        if (Files.exists(target)) {
            return target;
        }
        LlamaShape shape = preset.equals("small") ? LlamaShape.small() : LlamaShape.tiny();
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelEngine.prepareThread(1);
            manager.getEngine().setRandomSeed(11);
            LlamaBlock block = LlamaBlock.create(shape, manager);
            Map<String, float[]> weights = block.mergedWeights();
            String output = shape.tiedEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
            float[] rows = weights.get(output);
            for (int token = 0; token < shape.vocab(); token++) {
                if (token < ' ' || token > '~') {
                    Arrays.fill(rows, token * shape.hidden(), (token + 1) * shape.hidden(), 0f);
                }
            }
            block.load(weights);
            ModelPackage.write(block, ModelPackage.newMetadata().put("method", "from-scratch").put("preset", preset),
                    target);
        }
        return target;
    }

    /** The replica's own work for one request, without the gateway: encode, batch of one, generate. */
    public static int generateInProcess(ContinuousBatcher batcher, ServingModel model, String user, int maxTokens)
            throws InterruptedException {
        int[] produced = new int[1];
        boolean[] done = new boolean[1];
        batcher.submit(model.encodeChat(List.of(new ChatTurn("user", user))),
                new GenerationParams(0, 1, maxTokens, List.of(), 1), new GenerationListener() {
                    @Override
                    public void onText(String delta, int completionTokens) {
                    }

                    @Override
                    public void onFinish(FinishReason reason, int promptTokens, int completionTokens) {
                        produced[0] = completionTokens;
                        done[0] = true;
                    }

                    @Override
                    public void onError(String message) {
                        throw new IllegalStateException(message);
                    }
                });
        while (!done[0]) {
            batcher.step();
        }
        return produced[0];
    }
}
