package dev.llmops.studio.worker;

import java.time.OffsetDateTime;

/** A token remote workers connect with, as admins see it: never the secret, only the prefix that identifies it. */
public record WorkerToken(long id, String name, String prefix, String createdBy, OffsetDateTime createdAt,
        OffsetDateTime lastUsedAt, OffsetDateTime revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
