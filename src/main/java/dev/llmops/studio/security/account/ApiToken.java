package dev.llmops.studio.security.account;

import java.time.OffsetDateTime;

/** A personal API token as its owner sees it: never the secret, only the prefix that identifies it. */
public record ApiToken(long id, String name, String prefix, OffsetDateTime createdAt, OffsetDateTime lastUsedAt,
        OffsetDateTime revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
