package dev.llmops.studio.model;

import java.util.List;

/**
 * How {@link LlamaGenerator} picks tokens. {@code temperature} 0 is greedy (top-k, top-p and the seed are then
 * unused); {@code topK} 0 and {@code topP} 1 switch those filters off. Generation ends at any of
 * {@code stopSequences} (left out of the output, like OpenAI's stop) or after {@code maxTokens} tokens.
 */
record SamplingOptions(float temperature, int topK, float topP, int maxTokens, List<int[]> stopSequences,
                       long seed) {

    SamplingOptions {
        if (!(temperature >= 0) || topK < 0 || !(topP > 0 && topP <= 1) || maxTokens < 1) {
            throw new IllegalArgumentException("need temperature ≥ 0, topK ≥ 0, 0 < topP ≤ 1, maxTokens ≥ 1");
        }
        stopSequences = List.copyOf(stopSequences);
        if (stopSequences.stream().anyMatch(stop -> stop.length == 0)) {
            throw new IllegalArgumentException("a stop sequence is empty");
        }
    }

    static SamplingOptions greedy(int maxTokens, List<int[]> stopSequences) {
        return new SamplingOptions(0f, 0, 1f, maxTokens, stopSequences, 0L);
    }
}
