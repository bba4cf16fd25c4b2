package dev.llmops.studio.worker;

import java.time.OffsetDateTime;

/** A worker as the workers screen shows it. */
public record WorkerInfo(String id, String name, WorkerKind kind, WorkerState state, int slots,
        Capabilities capabilities, OffsetDateTime registeredAt, OffsetDateTime lastHeartbeatAt) {
}
