package dev.llmops.studio.serving;

import java.time.OffsetDateTime;

public record ReplicaInfo(long id, long deploymentId, String workerId, ReplicaState state, String message,
                          OffsetDateTime createdAt, OffsetDateTime readyAt, OffsetDateTime endedAt) {
}
