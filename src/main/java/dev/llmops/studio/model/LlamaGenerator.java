package dev.llmops.studio.model;

import java.util.Arrays;

/**
 * Autoregressive generation with a KV cache: the prompt in one forward, then one position per new token. Runs on
 * {@link CpuDecoder}, which is several times faster than the DJL forward for models of this size (see
 * docs/benchmarks.md, "Model engine"); the weights are those of the block when the generator is made.
 */
final class LlamaGenerator {

    enum FinishReason { STOP, LENGTH }

    /** The new tokens, without the prompt and without the stop sequence that ended them. */
    record Generation(int[] tokens, FinishReason finishReason) {
    }

    private final CpuDecoder decoder;

    /** Copies the block's weights: make a new generator after training or loading changes them. */
    LlamaGenerator(LlamaBlock block) {
        this(CpuDecoder.of(block));
    }

    LlamaGenerator(CpuDecoder decoder) {
        this.decoder = decoder;
    }

    /**
     * Continues {@code prompt} until a stop sequence, {@code maxTokens}, or the model's position limit (prompt and
     * output together).
     */
    Generation generate(int[] prompt, SamplingOptions options) {
        int maxPositions = decoder.shape().maxPositions();
        if (prompt.length == 0 || prompt.length >= maxPositions) {
            throw new IllegalArgumentException("prompt length must be within 1.." + (maxPositions - 1));
        }
        Sampler sampler = new Sampler(options);
        int[] output = new int[Math.min(options.maxTokens(), maxPositions - prompt.length)];
        CpuDecoder.Sequence sequence = decoder.newSequence(prompt.length + output.length);
        float[] logits = decoder.append(sequence, prompt);
        int produced = 0;
        while (true) {
            output[produced++] = sampler.next(logits);
            int stop = matchedStopLength(output, produced, options);
            if (stop > 0) {
                return new Generation(Arrays.copyOf(output, produced - stop), FinishReason.STOP);
            }
            if (produced == output.length) {
                return new Generation(output, FinishReason.LENGTH);
            }
            logits = decoder.append(sequence, new int[] {output[produced - 1]});
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
