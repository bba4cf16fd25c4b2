package dev.llmops.studio.feedback;

/** A queue in which the signed-in reviewer has work, with their progress there. */
public record ReviewerQueue(String queue, String instructions, ReviewerProgress progress) {
}
