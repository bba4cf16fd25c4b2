package dev.llmops.studio.security;

import java.time.OffsetDateTime;

/** One recorded event: who did what to which target, from where. */
public record AuditEntry(long id, OffsetDateTime occurredAt, String actor, String action, String target,
        String details, String clientAddress) {
}
