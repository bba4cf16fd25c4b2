package dev.llmops.studio.dataset;

import java.time.OffsetDateTime;

/** A dataset in lists: its newest version and when it changed. */
public record DatasetSummary(long id, String name, String description, int versions, Integer latestVersion,
        long latestRows, OffsetDateTime updatedAt, String createdBy) {
}
