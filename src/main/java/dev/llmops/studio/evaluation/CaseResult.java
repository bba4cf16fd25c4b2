package dev.llmops.studio.evaluation;

import dev.llmops.studio.model.ChatTurn;
import java.util.List;

/**
 * One case's outcome in a test run: what was asked ({@code prompt} as shown, {@code messages} when the case was a
 * chat), what came back, the verdict, and the cost. {@code output} is null when no answer came (the reason says
 * why); {@code predictedLabel} is set for classification.
 */
public record CaseResult(int position, String prompt, List<ChatTurn> messages, String expected,
                         AssertionType assertion, String label, String group, String output, boolean passed,
                         Double score, String reason, String predictedLabel, double latencyMs, int promptTokens,
                         int completionTokens) {
}
