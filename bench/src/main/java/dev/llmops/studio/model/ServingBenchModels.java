package dev.llmops.studio.model;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Model packages and the in-process serving path for the serving benchmark (package-private model API). */
public final class ServingBenchModels {

    private ServingBenchModels() {
    }

    /** A package of the preset ("tiny" or "small") with seeded random weights: it never says EOS, so every answer runs to max_tokens. */
    public static Path randomPackage(String preset, Path folder) throws IOException {
        Path target = folder.resolve(preset + "-random.zip");
        if (Files.exists(target)) {
            return target;
        }
        LlamaShape shape = preset.equals("small") ? LlamaShape.small() : LlamaShape.tiny();
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelEngine.prepareThread(1);
            manager.getEngine().setRandomSeed(11);
            LlamaBlock block = LlamaBlock.create(shape, manager);
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
