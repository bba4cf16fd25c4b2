package dev.llmops.studio.serving;

import java.time.OffsetDateTime;

/** An endpoint's API key as stored: never the secret, only its first characters to tell keys apart. */
public record ApiKeyInfo(long id, long endpointId, String name, String prefix, Integer requestsPerMinute,
                         Integer tokensPerMinute, String createdBy, OffsetDateTime createdAt,
                         OffsetDateTime lastUsedAt, OffsetDateTime revokedAt) {

    public boolean active() {
        return revokedAt == null;
    }
}
