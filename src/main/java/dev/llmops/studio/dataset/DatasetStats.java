package dev.llmops.studio.dataset;

import java.util.Map;

/**
 * What a version contains: examples, empty optional cells (label or attribute absent), lengths of prompts and
 * responses (or texts) in characters and in tokens of the byte-level tokenizer the small presets train with
 * (one token per UTF-8 byte), and the distributions of labels and attribute values.
 */
public record DatasetStats(long rows, long emptyCells, Histogram promptChars, Histogram responseChars,
        Histogram promptTokens, Histogram responseTokens, Map<String, Long> labels,
        Map<String, Map<String, Long>> attributes) {
}
