package dev.llmops.studio.feedback;

/**
 * The better of a pairwise item's two responses, in the item's terms ({@code A} its first response, {@code B} its
 * second), whichever side of the screen each was shown on.
 */
public enum Preference {
    A, B, TIE
}
