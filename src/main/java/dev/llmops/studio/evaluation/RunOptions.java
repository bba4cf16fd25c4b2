package dev.llmops.studio.evaluation;

/**
 * How the cases are answered: at most {@code maxTokens} tokens each, at {@code temperature} (0, the default,
 * always picks the likeliest token, so a test repeats exactly).
 */
public record RunOptions(int maxTokens, double temperature) {

    public static final RunOptions DEFAULT = new RunOptions(128, 0);

    public RunOptions {
        if (maxTokens < 1 || maxTokens > 4096) {
            throw new IllegalArgumentException("max tokens is between 1 and 4096, not " + maxTokens);
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature is between 0 and 2, not " + temperature);
        }
    }
}
