package dev.llmops.studio.run;

import java.time.OffsetDateTime;
import java.util.Map;

/** One step's task within a run; {@code outputs} (port → artifact reference) once it has succeeded. */
public record TaskInfo(long id, String nodeId, String nodeType, String nodeLabel, TaskStatus status, int attempt,
        int maxAttempts, String workerId, OffsetDateTime queuedAt, OffsetDateTime startedAt,
        OffsetDateTime finishedAt, double progress, String message, Map<String, String> outputs) {
}
