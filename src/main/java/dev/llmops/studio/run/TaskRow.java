package dev.llmops.studio.run;

import java.time.OffsetDateTime;
import java.util.Set;

/** A task as stored, for the engine's own use (the database record stays inside the repository). */
record TaskRow(long id, long runId, String nodeId, String nodeType, String nodeLabel, TaskStatus status,
        int attempt, int maxAttempts, int timeoutSeconds, String workerId, OffsetDateTime leaseExpiresAt,
        OffsetDateTime queuedAt, OffsetDateTime startedAt, OffsetDateTime finishedAt, double progress,
        String message, String outputs, boolean cancelRequested, int gpus, int memoryMb,
        Set<String> requiredLabels, String checkpoint) {
}
