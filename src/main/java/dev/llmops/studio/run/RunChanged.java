package dev.llmops.studio.run;

/** Something in a run changed (a task moved, the run ended); published after the change commits. */
public record RunChanged(long runId) {
}
