package dev.llmops.studio.model;

import java.util.List;

/**
 * How one request is generated, with OpenAI's meanings and bounds: {@code temperature} 0 is greedy, {@code topP}
 * keeps the smallest set of likeliest tokens reaching that probability, {@code stop} strings end the answer and
 * are left out of it. {@code seed} makes sampling repeat exactly, whatever else shares the batch.
 */
public record GenerationParams(double temperature, double topP, int maxTokens, List<String> stop, long seed) {

    /** As OpenAI allows. */
    static final int MAX_STOP_STRINGS = 4;

    public GenerationParams {
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be within 0..2, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be greater than 0 and at most 1, got " + topP);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        }
        stop = stop == null ? List.of() : stop;
        if (stop.size() > MAX_STOP_STRINGS) {
            throw new IllegalArgumentException("at most " + MAX_STOP_STRINGS + " stop strings, got " + stop.size());
        }
        if (stop.stream().anyMatch(text -> text == null || text.isEmpty())) {
            throw new IllegalArgumentException("a stop string is empty");
        }
        stop = List.copyOf(stop);
    }

    SamplingOptions samplingOptions() {
        // stop strings are matched on text by the batcher, not on tokens by the sampler
        return new SamplingOptions((float) temperature, 0, (float) topP, maxTokens, List.of(), seed);
    }
}
