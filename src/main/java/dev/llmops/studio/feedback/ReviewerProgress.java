package dev.llmops.studio.feedback;

/** A reviewer's work in one queue: items submitted of those assigned. */
public record ReviewerProgress(String reviewer, long submitted, long assigned) {

    public double fraction() {
        return assigned == 0 ? 1.0 : (double) submitted / assigned;
    }
}
