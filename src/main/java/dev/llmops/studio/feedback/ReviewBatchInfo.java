package dev.llmops.studio.feedback;

import java.time.OffsetDateTime;

/**
 * What one source put in a queue at once. The batch is done when {@code quota} items have all their reviews, or at
 * its deadline; a Human review step waits for its batch.
 */
public record ReviewBatchInfo(long id, long queueId, String queue, String source, Long runId, String nodeId, int quota,
        OffsetDateTime deadline, long items, long completedItems, String createdBy, OffsetDateTime createdAt) {

    public boolean quotaReached() {
        return completedItems >= quota;
    }
}
