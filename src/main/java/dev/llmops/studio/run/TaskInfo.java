package dev.llmops.studio.run;

import java.time.OffsetDateTime;

/** One step's task within a run. */
public record TaskInfo(long id, String nodeId, String nodeType, String nodeLabel, TaskStatus status, int attempt,
        int maxAttempts, String workerId, OffsetDateTime queuedAt, OffsetDateTime startedAt,
        OffsetDateTime finishedAt, double progress, String message) {
}
