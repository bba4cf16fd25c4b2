package dev.llmops.studio.evaluation;

/**
 * The verdict on one output: pass or fail, a score in [0, 1] (1 or 0 for yes/no checks, the similarity for
 * overlap checks), why, and for classification the label the output was mapped to ({@code null} otherwise).
 */
public record AssertionResult(boolean pass, double score, String reason, String predictedLabel) {

    static AssertionResult of(boolean pass, String reason) {
        return new AssertionResult(pass, pass ? 1 : 0, reason, null);
    }
}
