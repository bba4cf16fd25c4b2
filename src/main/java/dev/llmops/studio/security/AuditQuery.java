package dev.llmops.studio.security;

import java.time.OffsetDateTime;

/** Filters for the audit log; {@code null} fields do not filter. Text filters match case-insensitively. */
public record AuditQuery(String actor, String action, String text, OffsetDateTime from, OffsetDateTime to) {

    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, null);
    }
}
