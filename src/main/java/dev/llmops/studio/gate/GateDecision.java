package dev.llmops.studio.gate;

import java.time.OffsetDateTime;

/** A person's decision on a manual gate of a run. */
public record GateDecision(long runId, String nodeId, boolean approved, String decidedBy, OffsetDateTime decidedAt,
        String comment) {
}
