package dev.llmops.studio.feedback;

import java.time.OffsetDateTime;

/** A queue with its size: items, those with all their reviews, and reviews submitted of those assigned. */
public record ReviewQueueInfo(long id, String name, String instructions, int reviewersPerItem, String createdBy,
        OffsetDateTime createdAt, long items, long completedItems, long submittedReviews, long assignedReviews) {

    public double fraction() {
        return assignedReviews == 0 ? 0 : (double) submittedReviews / assignedReviews;
    }
}
