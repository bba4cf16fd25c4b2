package dev.llmops.studio.feedback;

public enum Thumbs {
    UP, DOWN
}
