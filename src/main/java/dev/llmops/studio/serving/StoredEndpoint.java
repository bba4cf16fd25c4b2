package dev.llmops.studio.serving;

import java.time.OffsetDateTime;

/** An endpoint's row as the feature's services use it. */
record StoredEndpoint(long id, String name, EndpointSettings settings, String createdBy, OffsetDateTime createdAt,
                      OffsetDateTime stoppedAt) {
}
