package dev.llmops.studio.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;

/** Autoregressive generation with a KV cache: the prompt in one forward, then one position per new token. */
final class LlamaGenerator {

    enum FinishReason { STOP, LENGTH }

    /** The new tokens, without the prompt and without the stop sequence that ended them. */
    record Generation(int[] tokens, FinishReason finishReason) {
    }

    private final LlamaBlock block;

    LlamaGenerator(LlamaBlock block) {
        this.block = block;
    }

    /**
     * Continues {@code prompt} until a stop sequence, {@code maxTokens}, or the model's position limit (prompt and
     * output together). {@code manager} must be on the model's device; everything allocated here is freed on return.
     */
    Generation generate(int[] prompt, SamplingOptions options, NDManager manager) {
        int maxPositions = block.shape().maxPositions();
        if (prompt.length == 0 || prompt.length >= maxPositions) {
            throw new IllegalArgumentException("prompt length must be within 1.." + (maxPositions - 1));
        }
        Sampler sampler = new Sampler(options);
        int[] output = new int[Math.min(options.maxTokens(), maxPositions - prompt.length)];
        int produced = 0;
        try (NDManager generation = manager.newSubManager();
             KvCache cache = new KvCache(block.shape(), 1, prompt.length + output.length, generation)) {
            ParameterStore parameters = new ParameterStore(generation, false);
            int[] next = prompt;
            while (true) {
                float[] logits;
                try (NDManager step = generation.newSubManager()) {
                    NDArray ids = step.create(next, new Shape(1, next.length));
                    logits = block.forward(parameters, ids, cache)
                            .get(new NDIndex("0, {}", next.length - 1)).toFloatArray();
                }
                output[produced++] = sampler.next(logits);
                int stop = matchedStopLength(output, produced, options);
                if (stop > 0) {
                    return new Generation(Arrays.copyOf(output, produced - stop), FinishReason.STOP);
                }
                if (produced == output.length) {
                    return new Generation(output, FinishReason.LENGTH);
                }
                next = new int[] {output[produced - 1]};
            }
        }
    }

    private static int matchedStopLength(int[] output, int produced, SamplingOptions options) {
        for (int[] stop : options.stopSequences()) {
            if (stop.length <= produced
                    && Arrays.equals(output, produced - stop.length, produced, stop, 0, stop.length)) {
                return stop.length;
            }
        }
        return 0;
    }
}
