package dev.llmops.studio.registry;

import java.time.OffsetDateTime;
import java.util.Map;

/** A named model: how many versions it has, the newest, and which version each alias points at. */
public record RegisteredModel(long id, String name, String description, int versions, int latestVersion,
        Map<String, Integer> aliases, OffsetDateTime updatedAt) {
}
