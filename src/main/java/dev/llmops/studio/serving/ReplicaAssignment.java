package dev.llmops.studio.serving;

/** A replica a worker should run: which model, and how it batches. */
public record ReplicaAssignment(long replicaId, long deploymentId, String endpoint, String modelLabel,
                                String modelArtifact, int maxBatchSize, int maxBatchDelayMs) {
}
