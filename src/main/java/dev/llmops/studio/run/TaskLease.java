package dev.llmops.studio.run;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * What a worker receives when it leases a task: enough to run it without the database. {@code inputs} maps each
 * input port to the artifact its predecessor produced; {@code gpus} and {@code memoryMb} are what the worker
 * reserves while the task runs; {@code checkpoint} is the newest checkpoint an earlier attempt saved (or null).
 */
public record TaskLease(long taskId, long runId, String nodeId, String nodeType, Map<String, Object> params,
        Map<String, String> inputs, int attempt, int timeoutSeconds, OffsetDateTime leaseExpiresAt, int gpus,
        int memoryMb, String checkpoint) {
}
