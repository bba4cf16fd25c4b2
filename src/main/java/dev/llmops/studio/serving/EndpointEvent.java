package dev.llmops.studio.serving;

import java.time.OffsetDateTime;

/** A change of an endpoint with its reason: deploy, promote, rollback, scale, replica failure, stop. */
public record EndpointEvent(OffsetDateTime at, String kind, String message, String actor) {
}
